package dev.rampart.server.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply (RFC 5321 §4.2), possibly multi-line, with its RFC 3463 enhanced status code. Immutable.
 * The enhanced code is empty for replies that must not carry one (greeting, EHLO, SASL challenges).
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply text must not contain CR or LF");
            }
        }
    }

    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, enhanced, List.of(text));
    }

    /** A reply without enhanced status code. */
    public static SmtpReply plain(int code, String text) {
        return new SmtpReply(code, "", List.of(text));
    }

    public static SmtpReply multiline(int code, List<String> lines) {
        return new SmtpReply(code, "", lines);
    }

    public boolean positive() {
        return code < 400;
    }

    /** Wire form: every line but the last uses "code-", each ends in CRLF; enhanced code on each line. */
    public byte[] encode() {
        StringBuilder sb = new StringBuilder();
        String prefix = enhanced.isEmpty() ? "" : enhanced + " ";
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(prefix).append(lines.get(i)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String s = new String(encode(), StandardCharsets.UTF_8);
        return s.substring(0, s.length() - 2).replace("\r\n", " | ");
    }
}
