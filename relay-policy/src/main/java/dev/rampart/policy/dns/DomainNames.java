package dev.rampart.policy.dns;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Domain name normalisation (MX-01): lower case, A-labels, no trailing dot. Pure, thread-safe.
 *
 * <p>The JDK converts with IDNA2003, which maps the four UTS #46 "deviation" characters (ß, ς, ZWJ,
 * ZWNJ) differently from IDNA2008: {@code faß.de} would become {@code fass.de}, a different domain.
 * Names containing them are refused rather than silently routed elsewhere.
 */
public final class DomainNames {
    private DomainNames() {}

    /** Returns the normalised name, or empty when the text is not a syntactically valid domain name. */
    public static Optional<String> normalize(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return Optional.empty();
        }
        if (n.chars().anyMatch(DomainNames::isIdnaDeviation)) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(n, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        if (ascii.isEmpty() || ascii.length() > 253) {
            return Optional.empty();
        }
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return Optional.empty();
            }
        }
        return Optional.of(ascii);
    }

    /** UTS #46 §4 deviation characters, plus capital sharp s, which case-folds to one. */
    private static boolean isIdnaDeviation(int c) {
        return c == 0x00DF || c == 0x1E9E || c == 0x03C2 || c == 0x200C || c == 0x200D;
    }

    /**
     * Like {@link #normalize(String)}, but also accepts leading underscore labels (RFC 8552 attribute
     * leaves such as {@code _mta-sts}, {@code _smtp._tls}, {@code _25._tcp}), which are not host names
     * but are valid owner names to look up. The labels after them must form a valid domain name.
     */
    public static Optional<String> normalizeLookupName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        StringBuilder prefix = new StringBuilder();
        while (n.startsWith("_")) {
            int dot = n.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            String label = n.substring(0, dot);
            if (label.length() > 63 || !label.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'))) {
                return Optional.empty();
            }
            prefix.append(label.toLowerCase(Locale.ROOT)).append('.');
            n = n.substring(dot + 1);
        }
        return normalize(n).map(rest -> prefix + rest).filter(full -> full.length() <= 253);
    }
}
