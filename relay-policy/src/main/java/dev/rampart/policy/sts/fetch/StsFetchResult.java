package dev.rampart.policy.sts.fetch;

import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsPolicy;
import java.util.Objects;

/** The outcome of one policy fetch: a valid policy with its exact text, or a classified failure. */
public sealed interface StsFetchResult {

    /** HTTP 200, text/plain, within the limits, and a valid policy. */
    record Fetched(StsPolicy policy, String rawText) implements StsFetchResult {
        public Fetched {
            Objects.requireNonNull(policy);
            Objects.requireNonNull(rawText);
        }
    }

    /** No policy; {@code kind} is the TLS-RPT result type, {@code reason} says precisely what went wrong. */
    record Failed(StsFailureKind kind, String reason) implements StsFetchResult {
        public Failed {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(reason);
        }
    }
}
