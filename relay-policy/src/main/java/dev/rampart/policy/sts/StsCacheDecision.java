package dev.rampart.policy.sts;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What to do for a policy domain, given its TXT record and what the cache holds (RFC 8461 §3.1, §3.3,
 * §5.1). Pure: the caller supplies the time and the backoff state; nothing here reads a clock or a disk.
 *
 * <ul>
 *   <li>STS-14: TXT id equal to the cached id and the entry still valid → use the cache, no fetch;</li>
 *   <li>STS-14: another id (or an expired or missing entry) → fetch; success replaces the entry;</li>
 *   <li>STS-10: a fetch for this id failed less than 5 minutes ago → do not fetch; the valid cached
 *       policy, if any, still applies (STS-15);</li>
 *   <li>STS-04: no usable TXT record → the valid cached policy applies; it is never evicted for that.</li>
 * </ul>
 */
public sealed interface StsCacheDecision {

    /** Apply this cached policy. */
    record UseCached(StsCacheEntry entry, String reason) implements StsCacheDecision {
        public UseCached {
            Objects.requireNonNull(entry);
            Objects.requireNonNull(reason);
        }
    }

    /** Fetch the policy now; it will be stored under {@code id}. */
    record Fetch(String id) implements StsCacheDecision {
        public Fetch {
            if (!StsRecord.isValidId(id)) {
                throw new IllegalArgumentException("bad MTA-STS id: " + id);
            }
        }
    }

    /** No MTA-STS policy applies to this delivery. */
    record NoPolicy(String reason) implements StsCacheDecision {
        public NoPolicy {
            Objects.requireNonNull(reason);
        }
    }

    /**
     * @param backedOff true for an id whose last fetch failed less than the backoff period ago (STS-10)
     */
    static StsCacheDecision decide(StsRecordResult txt, StsCacheEntry cached, Instant now,
                                   Predicate<String> backedOff) {
        Objects.requireNonNull(cached);
        return decideNullable(txt, cached, now, backedOff);
    }

    /** Same as {@link #decide(StsRecordResult, StsCacheEntry, Instant, Predicate)} with nothing cached. */
    static StsCacheDecision decide(StsRecordResult txt, Instant now, Predicate<String> backedOff) {
        return decideNullable(txt, null, now, backedOff);
    }

    /** After a failed fetch: a valid cached policy still applies (STS-15), else there is none. */
    static StsCacheDecision afterFailedFetch(StsCacheEntry cached, Instant now, String failure) {
        if (cached.validAt(now)) {
            return new UseCached(cached, "fetch failed (" + failure + "); cached policy id " + cached.id()
                    + " still valid until " + cached.expiresAt());
        }
        return new NoPolicy("fetch failed (" + failure + ") and the cached policy expired at " + cached.expiresAt());
    }

    private static StsCacheDecision decideNullable(StsRecordResult txt, StsCacheEntry cached, Instant now,
                                                   Predicate<String> backedOff) {
        StsCacheEntry valid = cached != null && cached.validAt(now) ? cached : null;
        return switch (txt) {
            case StsRecordResult.Absent a -> valid != null
                    ? new UseCached(valid, "no usable TXT record (" + a.reason() + "); cached policy kept (STS-04)")
                    : new NoPolicy(a.reason());
            case StsRecordResult.Found f -> {
                String id = f.record().id();
                if (valid != null && valid.id().equals(id)) {
                    yield new UseCached(valid, "TXT id " + id + " matches the cache");
                }
                if (backedOff.test(id)) {
                    yield valid != null
                            ? new UseCached(valid, "fetch for id " + id + " failed recently; cached policy kept")
                            : new NoPolicy("fetch for id " + id + " failed recently; not retried yet (STS-10)");
                }
                yield new Fetch(id);
            }
        };
    }
}
