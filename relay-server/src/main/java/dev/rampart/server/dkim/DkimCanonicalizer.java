package dev.rampart.server.dkim;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * DKIM "relaxed" header canonicalization (RFC 6376 §3.4.2), the one Rampart signs with: names are
 * lower-cased, values unfolded, runs of blanks become one space, blanks around the colon and at the end
 * go. (The body side is {@link RelaxedBodyHash}, which hashes while streaming.) Pure and thread-safe.
 */
final class DkimCanonicalizer {
    private DkimCanonicalizer() {}

    /** One header field, {@code name: value} as it appears in the message, folding included, without the final CRLF. */
    static String header(String field) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a header field: no colon");
        }
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "").replace("\n", "");
        value = value.replaceAll("[ \\t]+", " ").strip();
        return name + ":" + value;
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
