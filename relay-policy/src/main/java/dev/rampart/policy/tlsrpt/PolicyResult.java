package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptPolicy;
import java.util.List;
import java.util.Objects;

/**
 * What one session means for one policy (RPT-01): a success, or a failure with at least one detail. A
 * session under two policies (rows 14, 15, 18 of the decision table) has one result per policy; each adds
 * exactly one session to its policy's summary, whatever the number of details (RPT-07). Immutable.
 */
public record PolicyResult(TlsRptPolicy policy, List<FailureDetail> failures) {
    public PolicyResult {
        Objects.requireNonNull(policy);
        failures = List.copyOf(failures);
    }

    public static PolicyResult success(TlsRptPolicy policy) {
        return new PolicyResult(policy, List.of());
    }

    public boolean successful() {
        return failures.isEmpty();
    }
}
