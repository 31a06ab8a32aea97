package dev.rampart.server.delivery;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One complete (possibly multi-line) SMTP reply as received from a remote server (RFC 5321 §4.2).
 * Immutable. {@code lines} holds the text after the code and separator of each line, in order.
 */
public record SmtpReply(int code, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?:\\s|$)");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public static SmtpReply of(int code, String text) {
        return new SmtpReply(code, List.of(text));
    }

    /** 2, 4 or 5: the only digit that decides what happens (QUE-06). */
    public int kind() {
        return code / 100;
    }

    public boolean positive() {
        return kind() == 2;
    }

    public boolean transientFailure() {
        return kind() == 4;
    }

    public boolean permanentFailure() {
        return kind() == 5;
    }

    /**
     * The RFC 3463 enhanced status at the start of the first line, when present and consistent with the
     * reply code's class (RFC 2034 §4: a class that disagrees with the code is ignored).
     */
    public Optional<String> enhancedStatus() {
        Matcher m = ENHANCED.matcher(lines.get(0));
        if (!m.find() || Integer.parseInt(m.group(1)) != kind()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) + "." + Integer.parseInt(m.group(2)) + "." + Integer.parseInt(m.group(3)));
    }

    /** The reply on one line, as used in logs and Diagnostic-Code: {@code "550 5.1.1 no such user"}. */
    public String oneLine() {
        return code + " " + String.join(" ", lines).strip();
    }

    @Override
    public String toString() {
        return oneLine();
    }
}
