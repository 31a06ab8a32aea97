package dev.rampart.server.delivery;

import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.tlsrpt.TlsOutcome;

import java.util.Objects;

/**
 * Why an SMTP client session (or a step of it) did not succeed, as a closed set the classifier turns
 * into a {@link Verdict}. Reasons are plain words for logs and notices; they never contain secrets.
 */
public sealed interface SessionFailure {

    /** TCP connection could not be made (refused, unreachable, connect timeout). */
    record ConnectFailed(String reason) implements SessionFailure {}

    /** No reply within the configured per-command timeout (QUE-08). */
    record Timeout(Stage stage) implements SessionFailure {}

    /** The peer closed the connection or it broke (QUE-07 when inside a transaction). */
    record ConnectionLost(Stage stage, String reason) implements SessionFailure {}

    /** The peer replied with a failure the session cannot get past. */
    record Rejected(Stage stage, SmtpReply reply) implements SessionFailure {
        public Rejected {
            Objects.requireNonNull(reply);
        }
    }

    /** The TLS handshake after STARTTLS failed (certificate refused, protocol error, alert). */
    record TlsHandshakeFailed(String reason) implements SessionFailure {}

    /**
     * The TLS plan requires TLS and the peer cannot give it (no STARTTLS, STARTTLS refused, handshake
     * failed, connection dropped during it, no DANE match). Never followed by a plaintext attempt (QUE-17,
     * POL-05). {@code reason} is a complete sentence for logs and notices, e.g.
     * {@code STARTTLS not offered but DANE TLSA records require TLS} or the DANE verifier's own
     * {@code no TLSA record matched: leaf SPKI sha256 ab12…}.
     */
    record TlsRequired(String reason, TlsOutcome.Failure rpt) implements SessionFailure {
        public TlsRequired {
            Objects.requireNonNull(reason);
            Objects.requireNonNull(rpt);
        }

        /** A failure TLS-RPT reports as {@code validation-failure} without a reason code. */
        public TlsRequired(String reason) {
            this(reason, new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, ""));
        }
    }

    /** The message needs an extension this peer lacks (SMTPUTF8: 5.6.7, 8BITMIME: 5.6.3; QUE-19). */
    record MissingExtension(String extension, String status, boolean tryOtherHosts) implements SessionFailure {}

    /** The message is larger than the peer's advertised SIZE limit (RFC 1870). */
    record TooLarge(long size, long limit) implements SessionFailure {}

    /** A local problem (reading the queued message, an unexpected exception). Always temporary. */
    record LocalError(String reason) implements SessionFailure {}
}
