package dev.rampart.server.delivery;

/**
 * The point of an SMTP client session a reply or failure belongs to. It decides how an outcome is
 * classified: before MAIL a broken session means "try the next host" (QUE-09), from MAIL on the
 * transaction's recipients are affected (QUE-07).
 */
public enum Stage {
    CONNECT, GREETING, EHLO, HELO, STARTTLS, TLS_HANDSHAKE, MAIL, RCPT, DATA, DATA_END, RSET, QUIT;

    /** True while no transaction has started on the connection. */
    public boolean beforeTransaction() {
        return switch (this) {
            case CONNECT, GREETING, EHLO, HELO, STARTTLS, TLS_HANDSHAKE, RSET -> true;
            case MAIL, RCPT, DATA, DATA_END, QUIT -> false;
        };
    }

    /** The command name as shown in diagnostics ("while sending RCPT TO"). */
    public String display() {
        return switch (this) {
            case CONNECT -> "connect";
            case GREETING -> "greeting";
            case EHLO -> "EHLO";
            case HELO -> "HELO";
            case STARTTLS -> "STARTTLS";
            case TLS_HANDSHAKE -> "TLS handshake";
            case MAIL -> "MAIL FROM";
            case RCPT -> "RCPT TO";
            case DATA -> "DATA";
            case DATA_END -> "end of data";
            case RSET -> "RSET";
            case QUIT -> "QUIT";
        };
    }
}
