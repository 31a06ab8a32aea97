package dev.rampart.policy.sts.fetch;

import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsFailureKind;
import java.util.Objects;

/**
 * What {@link StsPolicyCache} found for a policy domain: a policy to apply (whatever its mode; mode
 * {@code none} means "treat as no policy", STS-21, which is the decision layer's business), no policy, or
 * no policy because a fetch failed with nothing valid cached (STS-15: deliver as if there were no
 * MTA-STS, but TLS-RPT records the failure). Immutable.
 */
public sealed interface StsLookup {

    /** Where an applied policy came from, for logs and {@code policy explain}. */
    enum Source { CACHE, FETCH }

    /**
     * A policy applies. {@code fetchFailure} is set when this lookup tried to fetch a new policy, failed,
     * and fell back to the cached one (STS-15): TLS-RPT records that failure against the policy (RPT-10).
     */
    record Applied(StsCacheEntry entry, Source source, String reason, java.util.Optional<StsFailureKind> fetchFailure)
            implements StsLookup {
        public Applied {
            Objects.requireNonNull(entry);
            Objects.requireNonNull(source);
            Objects.requireNonNull(reason);
            Objects.requireNonNull(fetchFailure);
        }

        public Applied(StsCacheEntry entry, Source source, String reason) {
            this(entry, source, reason, java.util.Optional.empty());
        }
    }

    /** No TXT record, a malformed one, a recent failure still backing off, or an expired cache entry. */
    record NoPolicy(String reason) implements StsLookup {
        public NoPolicy {
            Objects.requireNonNull(reason);
        }
    }

    /** The TXT record asked for a fetch, the fetch failed, and nothing valid was cached. */
    record FetchFailed(StsFailureKind kind, String reason) implements StsLookup {
        public FetchFailed {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(reason);
        }
    }
}
