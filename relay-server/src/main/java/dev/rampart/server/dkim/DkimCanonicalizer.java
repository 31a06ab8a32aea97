package dev.rampart.server.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * DKIM "relaxed" canonicalization (RFC 6376 §3.4.2, §3.4.4), the one Rampart signs with: headers are
 * lower-cased in name, unfolded, runs of blanks become one space, blanks around the colon and at the end
 * go; the body loses trailing blanks on each line, runs of blanks become one space, empty lines at the end
 * go, and a non-empty body ends in CRLF. Works on bytes, so 8-bit and UTF-8 content pass unchanged.
 * Pure and thread-safe.
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

    /** The body (everything after the empty line separating it from the header), CRLF line ends expected. */
    static byte[] body(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        int pendingEmptyLines = 0;
        int i = 0;
        while (i < body.length) {
            int end = lineEnd(body, i);
            boolean terminated = end < body.length;
            byte[] canonical = relaxedLine(body, i, end);
            i = terminated ? end + 2 : end;
            if (canonical.length == 0 && terminated) {
                pendingEmptyLines++;
                continue;
            }
            if (canonical.length == 0) {
                break;
            }
            for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            out.writeBytes(canonical);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    private static byte[] relaxedLine(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        boolean blank = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == ' ' || c == '\t') {
                blank = true;
            } else {
                if (blank) {
                    out.write(' ');
                    blank = false;
                }
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
