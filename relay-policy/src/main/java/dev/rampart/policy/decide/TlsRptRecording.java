package dev.rampart.policy.decide;

import java.util.List;
import java.util.Objects;

/**
 * Whether and how the session with one host is recorded for TLS-RPT (RPT-01). Immutable.
 */
public sealed interface TlsRptRecording {

    /**
     * Record one session under {@code policy}. {@code knownFailures} are the failure details already
     * certain from the decision: for a skipped host they make the session a failure by themselves
     * (RPT-01: rows 5, 7, 9); for a connected host (row 13, {@code all-unusable}) the session is a failure
     * with these details plus whatever the TLS handshake adds (RPT-07: still one session).
     */
    record Recorded(TlsRptPolicy policy, List<TlsRptFailure> knownFailures) implements TlsRptRecording {
        public Recorded {
            Objects.requireNonNull(policy);
            knownFailures = List.copyOf(knownFailures);
        }
    }

    /**
     * Nothing is recorded: optional transient cases (row 10, RFC 8460 §4.3.4), and later manual levels
     * none/may/encrypt/secure, address literals and {@code TLS-Required: No} (rows 1–4, 19, 20).
     */
    record NotRecorded(String reason) implements TlsRptRecording {
        public NotRecorded {
            Objects.requireNonNull(reason);
        }
    }
}
