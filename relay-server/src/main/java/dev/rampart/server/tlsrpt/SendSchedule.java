package dev.rampart.server.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * When the report for a UTC day goes out (REP-03): after that day has ended, at a fixed time after
 * midnight ({@code tlsrpt.send-window}) or, by default, at a time between 0 and 4 hours after midnight that
 * is random across days and submitters but the same for one day on every restart (drawn from a hash of
 * the day and the submitter), so receivers do not see every sender at 00:00 and a restart never moves it.
 * Pure.
 */
public record SendSchedule(Optional<Duration> fixed, String submitter) {
    private static final long SPREAD_SECONDS = Duration.ofHours(4).toSeconds();

    public SendSchedule {
        Objects.requireNonNull(fixed);
        Objects.requireNonNull(submitter);
    }

    /** When the report of {@code day} is due. */
    public Instant sendAt(LocalDate day) {
        Instant midnight = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return midnight.plus(fixed.orElseGet(() -> Duration.ofSeconds(spread(day))));
    }

    private long spread(LocalDate day) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((day + "|" + submitter).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return Math.floorMod(v, SPREAD_SECONDS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
