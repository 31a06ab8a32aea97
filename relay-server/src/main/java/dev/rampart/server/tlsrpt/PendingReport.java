package dev.rampart.server.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One report on its way to one rua destination (REP-14: each destination is a delivery of its own),
 * kept in the {@link ReportOutbox} until it is handed over or given up (REP-15). The report id and the
 * compressed bytes are fixed when the report is built, so every retry sends the same report. Immutable.
 *
 * @param key          file-name-safe unique key of this delivery
 * @param destination  the rua URI as published ({@code mailto:...} or {@code https:...})
 * @param firstAttempt when the report was first tried: retries stop 24 h later
 * @param nextAttempt  when to try next
 * @param lastError    empty before the first failure
 */
public record PendingReport(String key, String reportId, String reportDomain, LocalDate day, String destination,
                            String fileName, byte[] gzipped, Instant firstAttempt, int attempts, Instant nextAttempt,
                            String lastError) {
    /** REP-15: retried for up to a day after the first attempt. */
    public static final Duration GIVE_UP_AFTER = Duration.ofHours(24);
    private static final Duration FIRST_BACKOFF = Duration.ofMinutes(5);
    private static final Duration MAX_BACKOFF = Duration.ofHours(4);

    public PendingReport {
        Objects.requireNonNull(key);
        Objects.requireNonNull(reportId);
        Objects.requireNonNull(reportDomain);
        Objects.requireNonNull(day);
        Objects.requireNonNull(destination);
        Objects.requireNonNull(fileName);
        Objects.requireNonNull(gzipped);
        Objects.requireNonNull(firstAttempt);
        Objects.requireNonNull(nextAttempt);
        Objects.requireNonNull(lastError);
        if (!key.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("bad outbox key: " + key);
        }
    }

    /** After a failed attempt at {@code now}: exponential backoff (5 min, 10 min, ... at most 4 h). */
    public PendingReport failed(Instant now, String error) {
        int n = attempts + 1;
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(n - 1, 12));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF;
        }
        return new PendingReport(key, reportId, reportDomain, day, destination, fileName, gzipped, firstAttempt, n,
                now.plus(wait), error);
    }

    /** REP-15: past the day of retries. */
    public boolean expired(Instant now) {
        return !now.isBefore(firstAttempt.plus(GIVE_UP_AFTER));
    }
}
