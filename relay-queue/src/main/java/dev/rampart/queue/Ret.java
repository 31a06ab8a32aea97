package dev.rampart.queue;

/** The DSN {@code RET=} parameter (RFC 3461 §4.3); UNSPECIFIED when the client sent none. */
public enum Ret { UNSPECIFIED, FULL, HDRS }
