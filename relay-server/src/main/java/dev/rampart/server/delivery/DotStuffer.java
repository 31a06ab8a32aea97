package dev.rampart.server.delivery;

import io.netty.buffer.ByteBuf;

/**
 * Turns message content into DATA transparency form (RFC 5321 §4.5.2, SUB-07): a '.' at the start of a
 * line is doubled, and content not ending in CRLF gets one, so that the terminating {@code .CRLF} is
 * always a line of its own. Stateful across chunks; one instance per message; not thread-safe.
 */
final class DotStuffer {
    private boolean lineStart = true;
    private byte last = '\n';
    private byte beforeLast = '\r';
    private long written;

    /** Appends the stuffed form of {@code in[off, off+len)} to {@code out}. */
    void stuff(byte[] in, int off, int len, ByteBuf out) {
        for (int i = off; i < off + len; i++) {
            byte b = in[i];
            if (lineStart && b == '.') {
                out.writeByte('.');
            }
            out.writeByte(b);
            lineStart = b == '\n';
            beforeLast = last;
            last = b;
            written++;
        }
    }

    /** Appends the missing line end, if any, and the end-of-data marker. */
    void finish(ByteBuf out) {
        if (written > 0 && !(last == '\n' && beforeLast == '\r')) {
            if (last == '\r') {
                out.writeByte('\n');
            } else {
                out.writeByte('\r').writeByte('\n');
            }
        }
        out.writeByte('.').writeByte('\r').writeByte('\n');
    }
}
