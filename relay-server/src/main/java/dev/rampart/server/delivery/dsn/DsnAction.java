package dev.rampart.server.delivery.dsn;

/** RFC 3464 §2.3.3 Action values this relay reports. */
public enum DsnAction { FAILED, DELAYED, DELIVERED, RELAYED }
