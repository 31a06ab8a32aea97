package dev.rampart.queue;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;

/** Makes {@link QueueId}s that sort by creation time. Thread-safe. */
public final class QueueIdGenerator {
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    private long lastMicros;
    private int sequence;

    public QueueIdGenerator(InstantSource clock) {
        this.clock = clock;
    }

    public synchronized QueueId next() {
        Instant now = clock.instant();
        long micros = Math.max(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000, 0);
        if (micros <= lastMicros) {
            micros = lastMicros;
            sequence++;
        } else {
            lastMicros = micros;
            sequence = 0;
        }
        // 12 chars x 5 bits = 60 bits of microseconds; 6 chars = 30 bits: 10 bits sequence + 20 bits random.
        long tail = ((long) (sequence & 0x3FF) << 20) | random.nextInt(1 << 20);
        if (sequence > 0x3FF) {
            // More than 1024 ids within one microsecond: borrow the next microsecond.
            lastMicros = micros + 1;
            sequence = 0;
            return next();
        }
        StringBuilder sb = new StringBuilder(18);
        append(sb, micros, 12);
        append(sb, tail, 6);
        return new QueueId(sb.toString());
    }

    private static void append(StringBuilder sb, long value, int chars) {
        for (int i = chars - 1; i >= 0; i--) {
            sb.append(ALPHABET.charAt((int) ((value >>> (i * 5)) & 31)));
        }
    }
}
