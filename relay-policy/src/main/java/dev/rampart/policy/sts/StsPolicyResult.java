package dev.rampart.policy.sts;

import java.util.Objects;

/** The outcome of parsing a policy file: a policy, or the precise reason it is invalid (STS-12). */
public sealed interface StsPolicyResult {

    record Valid(StsPolicy policy) implements StsPolicyResult {
        public Valid {
            Objects.requireNonNull(policy);
        }
    }

    /** Treated as no policy and reported as {@code sts-policy-invalid}. */
    record Invalid(String reason) implements StsPolicyResult {
        public Invalid {
            Objects.requireNonNull(reason);
        }
    }
}
