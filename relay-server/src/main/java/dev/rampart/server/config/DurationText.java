package dev.rampart.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 30s}, {@code 5m}, {@code 2h30m}, {@code 1d}, {@code 500ms}.
 * Units run from large to small, each at most once. Pure and thread-safe; bad text gives an
 * {@link IllegalArgumentException} whose message says what was expected.
 */
public final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|d|h|m|s)");
    private static final String[] ORDER = {"d", "h", "m", "s", "ms"};

    private DurationText() {}

    public static Duration parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 5m, 2h30m or 1d, got an empty value");
        }
        if (t.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("duration '" + text + "' needs a unit (ms, s, m, h or d), e.g. " + t + "s");
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int position = 0;
        int lastUnit = -1;
        while (position < t.length()) {
            if (!m.find(position) || m.start() != position) {
                throw new IllegalArgumentException("not a duration: '" + text + "' (expected e.g. 30s, 5m, 2h30m, 1d)");
            }
            int unit = unitIndex(m.group(2));
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("not a duration: '" + text + "' (units must go from days down to milliseconds, each once)");
            }
            lastUnit = unit;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (ORDER[unit]) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            position = m.end();
        }
        return total;
    }

    /** The shortest text that {@link #parse} turns back into the same duration (sub-millisecond parts dropped). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        for (int i = 0; i < sizes.length; i++) {
            long n = ms / sizes[i];
            if (n > 0) {
                sb.append(n).append(ORDER[i]);
                ms -= n * sizes[i];
            }
        }
        return sb.toString();
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < ORDER.length; i++) {
            if (ORDER[i].equals(unit)) {
                return i;
            }
        }
        throw new IllegalStateException(unit);
    }
}
