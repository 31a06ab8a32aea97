package dev.rampart.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as operators write them: a plain integer (octets), or a number with a unit: {@code KB},
 * {@code MB}, {@code GB} (powers of 1000) or {@code KiB}, {@code MiB}, {@code GiB} (powers of 1024), case
 * insensitive. Pure and thread-safe; bad text gives an {@link IllegalArgumentException}.
 */
public final class SizeText {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*([kmgt]i?b|b)?", Pattern.CASE_INSENSITIVE);

    private SizeText() {}

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (expected octets, or e.g. 10MB, 50MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "b" -> 1L;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            default -> throw new IllegalStateException(unit);
        };
        try {
            return Math.multiplyExact(n, factor);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
    }

    /** A text that {@link #parse} maps back to the same value, using binary units where they divide evenly. */
    public static String format(long octets) {
        String[] units = {"GiB", "MiB", "KiB"};
        long[] factors = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (octets != 0 && octets % factors[i] == 0) {
                return octets / factors[i] + units[i];
            }
        }
        return Long.toString(octets);
    }
}
