package dev.rampart.server.smtp;

import io.netty.buffer.ByteBuf;

/**
 * What {@link SmtpInputFramer} hands up the pipeline. A closed set: command lines (decoded further by
 * {@link SmtpCommandDecoder}), SASL response lines, and message content with its end.
 */
public sealed interface InputFrame {

    /** A command line without its CRLF; {@code tooLong} when it exceeded the framer limit (then empty). */
    record CommandLine(byte[] bytes, boolean tooLong) implements InputFrame {}

    /** A line answering a 334 challenge (RFC 4954 §4), without CRLF. Never logged. */
    record AuthLine(byte[] bytes, boolean tooLong) implements InputFrame {
        @Override
        public String toString() {
            return "AuthLine[redacted]";
        }
    }

    /**
     * A piece of message content: dot-unstuffed for DATA, raw for BDAT. The receiver owns (releases) it.
     */
    record Content(ByteBuf bytes) implements InputFrame {}

    /**
     * End of DATA content (after the CRLF.CRLF marker) or of one BDAT chunk. For DATA it carries what the
     * decoder noticed; for BDAT both flags are false (the transaction's own decoder tracks them).
     */
    record ContentEnd(boolean bareCrOrLf, boolean lineTooLong) implements InputFrame {}
}
