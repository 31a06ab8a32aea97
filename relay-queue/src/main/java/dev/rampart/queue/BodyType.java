package dev.rampart.queue;

/** The MAIL FROM {@code BODY=} parameter as received (RFC 6152, RFC 3030). */
public enum BodyType { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }
