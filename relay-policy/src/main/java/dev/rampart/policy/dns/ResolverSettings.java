package dev.rampart.policy.dns;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of {@link DnsjavaResolver}. Immutable.
 *
 * @param timeout        budget for one DNS question (all upstream servers and retries together)
 * @param preference     address family order for {@link DnsResolver#addresses(String)} (MX-09)
 * @param dnssec         where DNSSEC statuses come from (DNS-01): in-process validation, the AD bit of a
 *                       loopback upstream, or nowhere (every answer INSECURE)
 * @param failureTtl     how long a failed (SERVFAIL, timeout, malformed, bogus) lookup is cached; at most
 *                       60 s (DNS-06), so a retry asks again
 * @param maxNegativeTtl cap on caching NXDOMAIN/NODATA (RFC 2308 §5: SOA TTL / minimum, capped)
 * @param maxPositiveTtl cap on caching answers (an upstream TTL of days must not pin stale MX data)
 * @param maxEntries     cache size bound
 */
public record ResolverSettings(Duration timeout, AddressPreference preference, DnssecMode dnssec,
                               Duration failureTtl, Duration maxNegativeTtl, Duration maxPositiveTtl,
                               long maxEntries) {

    /** DNS-06: failures are never remembered longer than this. */
    public static final Duration MAX_FAILURE_TTL = Duration.ofSeconds(60);

    public ResolverSettings {
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(preference);
        Objects.requireNonNull(dnssec);
        Objects.requireNonNull(failureTtl);
        Objects.requireNonNull(maxNegativeTtl);
        Objects.requireNonNull(maxPositiveTtl);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive, got " + timeout);
        }
        if (failureTtl.isNegative() || failureTtl.compareTo(MAX_FAILURE_TTL) > 0) {
            throw new IllegalArgumentException("failure cache time must be within 0..60 s (DNS-06), got " + failureTtl);
        }
        if (maxNegativeTtl.isNegative() || maxPositiveTtl.isNegative()) {
            throw new IllegalArgumentException("cache time caps must not be negative");
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("cache must hold at least one entry, got " + maxEntries);
        }
    }

    /** Defaults: failures cached 5 s, negative answers at most 15 min, answers at most 1 day, 10 000 entries. */
    public static ResolverSettings defaults(Duration timeout, AddressPreference preference, DnssecMode dnssec) {
        return new ResolverSettings(timeout, preference, dnssec, Duration.ofSeconds(5), Duration.ofMinutes(15),
                Duration.ofDays(1), 10_000);
    }
}
