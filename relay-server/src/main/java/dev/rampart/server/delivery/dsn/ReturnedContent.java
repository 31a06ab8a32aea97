package dev.rampart.server.delivery.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The part of the original message a notice returns (RFC 3464 §2 third part): either the whole message
 * or only its header section. Reads the original at most once and holds at most {@code limit} octets of it,
 * so a huge original cannot exhaust the heap; a whole message over the limit degrades to its header
 * section, as Postfix does with {@code bounce_size_limit}.
 *
 * <p>The original is queue content: CRLF line ends, already dot-unstuffed. Stateless; thread-safe.
 */
record ReturnedContent(byte[] octets, boolean full, boolean truncated) {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    ReturnedContent {
        octets = octets.clone();
    }

    @Override
    public byte[] octets() {
        return octets.clone();
    }

    /** The whole message when it fits in {@code limit} octets, else its header section (flagged truncated). */
    static ReturnedContent whole(InputStream original, int limit) throws IOException {
        byte[] head = original.readNBytes(limit);
        if (original.read() < 0) {
            return new ReturnedContent(head, true, false);
        }
        return new ReturnedContent(headerSection(head), false, true);
    }

    /** The header section only, read up to the blank line that ends it (RFC 5322 §2.1). */
    static ReturnedContent headers(InputStream original, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int lineStart = 0;
        int prev = -1;
        int b;
        while (out.size() < limit && (b = original.read()) >= 0) {
            out.write(b);
            if (prev == CR && b == LF) {
                if (out.size() - lineStart == 2) {
                    break; // the blank line that ends the header section
                }
                lineStart = out.size();
            }
            prev = b;
        }
        return new ReturnedContent(headerSection(out.toByteArray()), false, false);
    }

    /**
     * The header fields of {@code message}, ending with the CRLF of the last field line and without the
     * separating blank line; cut after the last complete line when the section does not end in the buffer.
     */
    static byte[] headerSection(byte[] message) {
        if (message.length >= 2 && message[0] == CR && message[1] == LF) {
            return new byte[0];
        }
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == CR && message[i + 1] == LF && message[i + 2] == CR && message[i + 3] == LF) {
                return Arrays.copyOf(message, i + 2);
            }
        }
        for (int i = message.length - 1; i >= 1; i--) {
            if (message[i] == LF && message[i - 1] == CR) {
                return Arrays.copyOf(message, i + 1);
            }
        }
        return message.length == 0 ? message : terminate(message);
    }

    private static byte[] terminate(byte[] line) {
        byte[] out = Arrays.copyOf(line, line.length + 2);
        out[line.length] = CR;
        out[line.length + 1] = LF;
        return out;
    }

    /**
     * The Content-Transfer-Encoding these octets need inside a MIME part (RFC 2045 §2.7-2.9): 7bit when
     * every octet is ASCII and every line at most 998 octets, 8bit when only non-ASCII octets occur,
     * binary when there is a NUL or an over-long line.
     */
    String transferEncoding() {
        boolean eightBit = false;
        int lineLength = 0;
        for (byte b : octets) {
            if (b == 0) {
                return "binary";
            }
            if (b == LF) {
                lineLength = 0;
                continue;
            }
            if (b != CR && ++lineLength > 998) {
                return "binary";
            }
            if (b < 0) {
                eightBit = true;
            }
        }
        return eightBit ? "8bit" : "7bit";
    }

    boolean contains(byte[] needle) {
        return indexOf(octets, needle) >= 0;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReturnedContent r && r.full == full && r.truncated == truncated
                && Arrays.equals(r.octets, octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets) * 31 + Boolean.hashCode(full);
    }

    @Override
    public String toString() {
        return "ReturnedContent[" + octets.length + " octets, full=" + full + ", truncated=" + truncated + "]";
    }
}
