package dev.rampart.queue;

/**
 * What the submitter asked of transport security (RFC 8689): DEFAULT (policy decides), REQUIRE_TLS
 * (MAIL ... REQUIRETLS), TLS_OPTIONAL (a {@code TLS-Required: No} header).
 */
public enum TlsTag { DEFAULT, REQUIRE_TLS, TLS_OPTIONAL }
