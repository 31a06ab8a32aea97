package dev.rampart.server.delivery.dsn;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Text rules shared by the parts of a notice: RFC 5322 dates, folding of long fields (RFC 5322 §2.2.3,
 * lines at most 998 octets, preferably 78), and cleaning of text that came from outside (a remote reply
 * may hold control characters or 8-bit octets that must not reach a 7bit part). Stateless.
 */
final class FieldText {

    static final String CRLF = "\r\n";
    private static final int SOFT_LIMIT = 78;
    /** RFC 5322 §2.1.1: 998 characters excluding CRLF; a hard break happens below it to leave room. */
    private static final int HARD_LIMIT = 990;

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private FieldText() {}

    /** RFC 5322 §3.3 date-time with a numeric zone, e.g. {@code Sun, 22 Nov 2026 12:00:00 +0000}. */
    static String date(Instant instant) {
        return DATE.format(instant);
    }

    /**
     * Folds {@code name: value} into lines of at most 78 characters where whitespace allows, and never
     * more than 998; continuation lines start with a space. No trailing CRLF.
     */
    static String fold(String name, String value) {
        String line = name + ": " + value;
        if (line.length() <= SOFT_LIMIT) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length() + 16);
        int lineLength = 0;
        boolean first = true;
        for (String word : line.split(" ", -1)) {
            if (word.isEmpty()) {
                continue;
            }
            // Words longer than a line can hold are cut hard; only a pathological reply gets here.
            while (word.length() > HARD_LIMIT) {
                if (!first) {
                    out.append(CRLF).append(' ');
                }
                out.append(word, 0, HARD_LIMIT);
                word = word.substring(HARD_LIMIT);
                lineLength = HARD_LIMIT + 1;
                first = false;
            }
            if (first) {
                out.append(word);
                lineLength = word.length();
                first = false;
            } else if (lineLength + 1 + word.length() <= SOFT_LIMIT) {
                out.append(' ').append(word);
                lineLength += 1 + word.length();
            } else {
                out.append(CRLF).append(' ').append(word);
                lineLength = 1 + word.length();
            }
        }
        return out.toString();
    }

    /**
     * One line of printable text: line breaks and other controls become spaces, runs of spaces collapse;
     * with {@code asciiOnly}, non-ASCII characters become '?' so the text fits a 7bit part.
     */
    static String clean(String text, boolean asciiOnly) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x20 || cp == 0x7F || Character.isWhitespace(cp)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            if (asciiOnly && cp > 0x7E) {
                out.append('?');
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /**
     * A multi-line SMTP reply as one line (RFC 5321 §4.2.1): the first line whole, then the text of each
     * continuation line without its repeated reply code.
     */
    static String replyAsOneLine(String reply) {
        String[] lines = reply.split("\r\n|\r|\n");
        StringBuilder out = new StringBuilder(reply.length());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i > 0 && line.length() >= 4 && isReplyCode(line.substring(0, 3))
                    && (line.charAt(3) == '-' || line.charAt(3) == ' ')) {
                line = line.substring(4);
            }
            if (!line.isBlank()) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(line.strip());
            }
        }
        return out.toString();
    }

    /** A reply from a remote server starts with a three-digit code 2xx..5xx (RFC 5321 §4.2). */
    static boolean isRemoteReply(String diagnostic) {
        return diagnostic.length() >= 3 && isReplyCode(diagnostic.substring(0, 3))
                && (diagnostic.length() == 3 || diagnostic.charAt(3) == ' ' || diagnostic.charAt(3) == '-');
    }

    private static boolean isReplyCode(String s) {
        return s.charAt(0) >= '2' && s.charAt(0) <= '5' && Character.isDigit(s.charAt(1))
                && Character.isDigit(s.charAt(2));
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** RFC 3461 §4 xtext: '+', '=' , controls, space and non-ASCII become "+XX" (UTF-8 octets). */
    static String xtext(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 33 || c > 126 || c == '+' || c == '=') {
                out.append('+').append(String.format(Locale.ROOT, "%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
