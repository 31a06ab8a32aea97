package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptResultType;
import java.util.Objects;
import java.util.Optional;

/**
 * What the delivery code observed of one session's TLS, in the terms of RFC 8460 (RPT-06): the input that
 * {@link SessionRecords#of} combines with the decision's {@link dev.rampart.policy.decide.TlsRptRecording}.
 * Addresses are already in report form (RPT-12). Immutable.
 */
public sealed interface TlsOutcome {

    /** The host was skipped by policy before any connection (rows 5, 7, 9, 11): only the decision's failures count. */
    record NotConnected(String mxHost) implements TlsOutcome {
        public NotConnected {
            Objects.requireNonNull(mxHost);
        }
    }

    /** A transient network failure before any TLS question arose (RPT-08): nothing is recorded. */
    record Transient(String reason) implements TlsOutcome {
        public Transient {
            Objects.requireNonNull(reason);
        }
    }

    /**
     * TLS was negotiated as the policy demanded (or, opportunistically, at all). {@code auditFailure} is
     * a report-only MTA-STS {@code testing} failure (STS-20), recorded against the {@code sts} policy only.
     */
    record Established(Peer peer, Optional<Failure> auditFailure) implements TlsOutcome {
        public Established {
            Objects.requireNonNull(peer);
            Objects.requireNonNull(auditFailure);
        }
    }

    /** TLS failed or was absent: no STARTTLS, a handshake alert, a certificate the policy rejects. */
    record Failed(Peer peer, Failure failure) implements TlsOutcome {
        public Failed {
            Objects.requireNonNull(peer);
            Objects.requireNonNull(failure);
        }
    }

    /** Who talked to whom. {@code helo} is the server's greeting name, empty when unknown. */
    record Peer(String sendingIp, String mxHost, String helo, String receivingIp) {
        public Peer {
            Objects.requireNonNull(sendingIp);
            Objects.requireNonNull(mxHost);
            Objects.requireNonNull(helo);
            Objects.requireNonNull(receivingIp);
        }
    }

    /** One result type with its optional reason code, e.g. {@code validation-failure} + {@code tls-alert-40-handshake_failure}. */
    record Failure(TlsRptResultType type, String reasonCode) {
        public Failure {
            Objects.requireNonNull(type);
            Objects.requireNonNull(reasonCode);
        }
    }
}
