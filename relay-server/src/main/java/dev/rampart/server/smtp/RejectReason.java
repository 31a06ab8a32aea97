package dev.rampart.server.smtp;

import java.util.Locale;

/**
 * Why the listener refused something; the bounded label set of {@code rampart_smtp_rejections_total}.
 */
public enum RejectReason {
    CONNECTION_LIMIT,
    RELAY_DENIED,
    TOO_MANY_RECIPIENTS,
    MESSAGE_TOO_BIG,
    BARE_CR_LF,
    LINE_TOO_LONG,
    MAIL_LOOP,
    STORAGE_ERROR,
    AUTH_FAILED,
    TLS_REQUIRED,
    STARTTLS_INJECTION,
    SYNTAX,
    BAD_SEQUENCE,
    SMTPUTF8_REQUIRED,
    IDLE_TIMEOUT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
