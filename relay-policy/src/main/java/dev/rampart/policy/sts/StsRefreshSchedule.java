package dev.rampart.policy.sts;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a cached policy is due for its proactive refresh (RFC 8461 §3.3, §10.2, STS-16): about daily,
 * jittered by ±10 % so that a fleet restarted at once does not refresh every policy in the same minute,
 * and always before the policy expires (at about three quarters of a short {@code max_age}). Pure apart
 * from the injected random source; thread-safe if that is.
 */
public final class StsRefreshSchedule {
    static final Duration DAY = Duration.ofDays(1);

    private StsRefreshSchedule() {}

    public static Instant refreshAt(Instant fetchedAt, long maxAgeSeconds, RandomGenerator random) {
        long base = Math.min(DAY.toSeconds(), maxAgeSeconds * 3 / 4);
        double factor = 0.9 + 0.2 * random.nextDouble();
        long seconds = Math.max(0, Math.min((long) (base * factor), Math.max(0, maxAgeSeconds - 1)));
        return fetchedAt.plusSeconds(seconds);
    }

    /** Due when the refresh time has come and the policy has not expired (an expired one is refetched on use). */
    public static boolean isDue(StsCacheEntry entry, Instant now) {
        return !now.isBefore(entry.refreshAt()) && entry.validAt(now);
    }
}
