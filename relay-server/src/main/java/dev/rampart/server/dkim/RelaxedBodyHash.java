package dev.rampart.server.dkim;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The DKIM body hash ({@code bh=}) of a message body under "relaxed" canonicalization (RFC 6376 §3.4.4),
 * computed while the body streams through, so that a 50 MB message is never held in memory: blanks at
 * line ends are dropped, runs of blanks become one space, empty lines are held back until a line with
 * content follows (so trailing empty lines vanish), and a last line without CRLF gets one. Bytes other
 * than blanks, CR and LF pass unchanged. Not thread-safe: one instance per body.
 */
final class RelaxedBodyHash {
    private static final byte[] CRLF = {'\r', '\n'};

    private final MessageDigest sha256;
    private boolean blank;
    private boolean content;
    private boolean cr;
    private long emptyLines;

    RelaxedBodyHash() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void update(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte c = data[i];
            if (cr) {
                cr = false;
                if (c == '\n') {
                    endOfLine();
                    continue;
                }
                visible((byte) '\r'); // a bare CR is content
            }
            switch (c) {
                case '\r' -> cr = true;
                case ' ', '\t' -> blank = true;
                default -> visible(c);
            }
        }
    }

    /** The hash of everything seen, canonicalized. Call once. */
    byte[] digest() {
        if (cr) {
            cr = false;
            visible((byte) '\r');
        }
        if (content) {
            sha256.update(CRLF);
        }
        return sha256.digest();
    }

    private void visible(byte c) {
        if (!content) {
            for (; emptyLines > 0; emptyLines--) {
                sha256.update(CRLF);
            }
            content = true;
        }
        if (blank) {
            sha256.update((byte) ' ');
            blank = false;
        }
        sha256.update(c);
    }

    private void endOfLine() {
        if (content) {
            sha256.update(CRLF);
        } else {
            emptyLines++;
        }
        content = false;
        blank = false;
    }
}
