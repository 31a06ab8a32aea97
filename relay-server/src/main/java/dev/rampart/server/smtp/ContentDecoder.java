package dev.rampart.server.smtp;

import io.netty.buffer.ByteBuf;

/**
 * Streaming decoder for message content. Not thread-safe: one instance per message, fed in order.
 *
 * <p>In DATA mode (RFC 5321 §4.5.2) it finds the end marker and removes dot-stuffing. Only CRLF ends a line
 * (§2.3.8): {@code LF.LF}, {@code LF.CRLF} and {@code CR.CR} never end the data, and the marker is exactly
 * {@code CRLF.CRLF} (the initial CRLF may be the one that ended the DATA command line). In BDAT mode the
 * octets pass unchanged and there is no marker (RFC 3030).
 *
 * <p>In both modes it notes, without stopping, what makes a message unacceptable: a bare CR or bare LF
 * (SUB-06, anti-smuggling) and a text line longer than {@value #MAX_LINE} octets plus CRLF (RFC 5321
 * §4.5.3.1.6). The caller reads to the real end and then rejects; the session is never lost.
 */
public final class ContentDecoder {
    /** RFC 5321 §4.5.3.1.6: 1000 octets including CRLF. */
    public static final int MAX_LINE = 998;

    private enum State { LINE_START, DOT, DOT_CR, MID, CR }

    private final boolean dotStuffed;
    private State state = State.LINE_START;
    private int lineLength;
    private boolean bareCr;
    private boolean bareLf;
    private boolean lineTooLong;
    private boolean ended;

    public ContentDecoder(boolean dotStuffed) {
        this.dotStuffed = dotStuffed;
    }

    /**
     * Consumes bytes from {@code in} (in BDAT mode all of them; in DATA mode up to and including the end
     * marker) and appends the decoded content to {@code out}, which must have room for
     * {@code in.readableBytes()} more bytes. Returns true once the end marker has been consumed.
     */
    public boolean decode(ByteBuf in, ByteBuf out) {
        if (ended) {
            throw new IllegalStateException("content already ended");
        }
        while (in.isReadable()) {
            byte b = in.readByte();
            switch (state) {
                case LINE_START -> {
                    if (b == '.' && dotStuffed) {
                        state = State.DOT;
                    } else {
                        mid(b, out);
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                    } else {
                        // The leading dot of a stuffed line is dropped (§4.5.2).
                        mid(b, out);
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        ended = true;
                        return true;
                    }
                    // ".\r" then something else: the dot was stuffing, the CR is bare.
                    bareCr = true;
                    out.writeByte('\r');
                    lineLength++;
                    state = State.MID;
                    mid(b, out);
                }
                case MID -> mid(b, out);
                case CR -> {
                    if (b == '\n') {
                        out.writeByte('\r').writeByte('\n');
                        state = State.LINE_START;
                        lineLength = 0;
                    } else {
                        bareCr = true;
                        out.writeByte('\r');
                        lineLength++;
                        state = State.MID;
                        mid(b, out);
                    }
                }
            }
        }
        return false;
    }

    private void mid(byte b, ByteBuf out) {
        if (b == '\r') {
            state = State.CR;
            return;
        }
        if (b == '\n') {
            bareLf = true; // a bare LF does not end the line
        }
        out.writeByte(b);
        state = State.MID;
        if (++lineLength > MAX_LINE) {
            lineTooLong = true;
        }
    }

    /**
     * For BDAT content after the LAST chunk: a trailing CR is bare, and content that does not end with
     * CRLF gets one (a message relayed with DATA must). Returns the bytes to append (maybe none).
     */
    public byte[] finish() {
        return switch (state) {
            case LINE_START -> new byte[0];
            case CR -> {
                bareCr = true;
                yield new byte[] {'\r', '\r', '\n'};
            }
            case DOT, DOT_CR, MID -> new byte[] {'\r', '\n'};
        };
    }

    public boolean ended() {
        return ended;
    }

    public boolean bareCrOrLf() {
        return bareCr || bareLf;
    }

    public boolean lineTooLong() {
        return lineTooLong;
    }
}
