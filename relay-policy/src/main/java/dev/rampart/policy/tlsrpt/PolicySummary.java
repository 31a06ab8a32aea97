package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptPolicy;
import java.util.List;
import java.util.Objects;

/**
 * One {@code policies[]} element of a report (REP-05): the policy, how many sessions under it succeeded and
 * failed, and the failure details with their session counts. Immutable.
 */
public record PolicySummary(TlsRptPolicy policy, long successfulSessions, long failedSessions,
                            List<FailureCount> failureDetails) {
    public PolicySummary {
        Objects.requireNonNull(policy);
        failureDetails = List.copyOf(failureDetails);
        if (successfulSessions < 0 || failedSessions < 0) {
            throw new IllegalArgumentException("session counts are never negative");
        }
    }

    /** A failure detail and the number of sessions that had it (REP-06: {@code failed-session-count}). */
    public record FailureCount(FailureDetail detail, long sessions) {
        public FailureCount {
            Objects.requireNonNull(detail);
            if (sessions < 1) {
                throw new IllegalArgumentException("a failure detail counts at least one session");
            }
        }
    }
}
