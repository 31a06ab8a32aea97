package dev.rampart.policy.dns;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** Domain name normalisation (MX-01): lower case, A-labels, no trailing dot. Pure, thread-safe. */
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
}
