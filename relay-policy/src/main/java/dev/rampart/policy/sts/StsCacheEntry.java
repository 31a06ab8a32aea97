package dev.rampart.policy.sts;

import java.time.Instant;
import java.util.Objects;

/**
 * One cached MTA-STS policy (STS-13): the policy domain it belongs to, the TXT id it was fetched under, the
 * policy and its exact text, when it was fetched, and when it is due for its proactive refresh. Immutable.
 *
 * <p>The policy is valid while {@code now < fetchedAt + max_age} (RFC 8461 §3.2); the refresh time lies
 * before that so that a live domain never lets its policy lapse (STS-16).
 */
public record StsCacheEntry(String domain, String id, StsPolicy policy, String policyText, Instant fetchedAt,
                            Instant refreshAt) {
    public StsCacheEntry {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(policyText);
        Objects.requireNonNull(fetchedAt);
        Objects.requireNonNull(refreshAt);
        if (!StsRecord.isValidId(id)) {
            throw new IllegalArgumentException("bad MTA-STS id: " + id);
        }
    }

    public Instant expiresAt() {
        return fetchedAt.plusSeconds(policy.maxAgeSeconds());
    }

    /** STS-13: valid while now is strictly before fetch time + max_age. */
    public boolean validAt(Instant now) {
        return now.isBefore(expiresAt());
    }
}
