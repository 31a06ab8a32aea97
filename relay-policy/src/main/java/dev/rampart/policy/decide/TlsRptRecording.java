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
     * The one session is recorded once under each of these policies (RPT-01 per policy): rows 14 and 15
     * ({@code sts} and {@code tlsa}), and row 18 after a failed policy fetch ({@code no-policy-found} plus
     * an {@code sts} entry whose known failure is the fetch or parse error). Handshake failures apply to
     * every entry; a report-only PKIX failure ({@link HostPlan.Connect#audit}) only to the {@code sts} one.
     */
    record Each(List<Recorded> entries) implements TlsRptRecording {
        public Each {
            entries = List.copyOf(entries);
            if (entries.size() < 2) {
                throw new IllegalArgumentException("Each needs at least two entries; use Recorded for one");
            }
        }
    }

    /**
     * Nothing is recorded: optional transient cases (row 10, RFC 8460 §4.3.4), the manual levels
     * none/may/encrypt/secure (rows 1–4, POL-10), address literals (row 19) and {@code TLS-Required: No}
     * (row 20).
     */
    record NotRecorded(String reason) implements TlsRptRecording {
        public NotRecorded {
            Objects.requireNonNull(reason);
        }
    }
}
