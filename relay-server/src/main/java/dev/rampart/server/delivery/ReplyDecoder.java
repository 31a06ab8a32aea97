package dev.rampart.server.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the server's byte stream into {@link SmtpReply} objects, joining multi-line replies
 * ({@code 250-...} continued until {@code 250 ...}, RFC 5321 §4.2.1). Lines end in CRLF; a bare LF is
 * tolerated. Limits are constructor arguments: a longer line or a reply with more lines is a protocol
 * error ({@link DecoderException}), which ends the session. One instance per channel.
 */
final class ReplyDecoder extends ByteToMessageDecoder {
    private final int maxLineLength;
    private final int maxLines;
    private final List<String> pending = new ArrayList<>();
    private int pendingCode = -1;

    ReplyDecoder(int maxLineLength, int maxLines) {
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
    }

    /**
     * Bytes received but not yet part of a complete reply. Used after a STARTTLS 220 reply: anything
     * already buffered was sent in clear and must never be taken as a reply under TLS. Event loop only.
     */
    int buffered() {
        return actualReadableBytes() + (pending.isEmpty() ? 0 : 1);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                if (in.readableBytes() > maxLineLength) {
                    throw new DecoderException("reply line longer than " + maxLineLength + " octets");
                }
                return;
            }
            int length = eol - in.readerIndex();
            if (length > maxLineLength) {
                throw new DecoderException("reply line longer than " + maxLineLength + " octets");
            }
            int textLength = length > 0 && in.getByte(eol - 1) == '\r' ? length - 1 : length;
            String line = in.toString(in.readerIndex(), textLength, StandardCharsets.UTF_8);
            in.readerIndex(eol + 1);
            SmtpReply reply = addLine(line);
            if (reply != null) {
                out.add(reply);
            }
        }
    }

    private SmtpReply addLine(String line) {
        if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                || !Character.isDigit(line.charAt(2))) {
            throw new DecoderException("malformed reply line: " + printable(line));
        }
        int code = Integer.parseInt(line.substring(0, 3));
        if (code < 200 || code > 599) {
            throw new DecoderException("reply code out of range: " + printable(line));
        }
        char sep = line.length() > 3 ? line.charAt(3) : ' ';
        if (sep != ' ' && sep != '-') {
            throw new DecoderException("malformed reply line: " + printable(line));
        }
        if (pendingCode >= 0 && pendingCode != code) {
            throw new DecoderException("reply code changed inside a multi-line reply: " + printable(line));
        }
        pendingCode = code;
        pending.add(line.length() > 4 ? line.substring(4) : "");
        if (pending.size() > maxLines) {
            throw new DecoderException("reply with more than " + maxLines + " lines");
        }
        if (sep == '-') {
            return null;
        }
        SmtpReply reply = new SmtpReply(code, pending);
        pending.clear();
        pendingCode = -1;
        return reply;
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
