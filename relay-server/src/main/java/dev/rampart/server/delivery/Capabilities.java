package dev.rampart.server.delivery;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ESMTP extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1), or none after HELO.
 * Immutable. Keywords are upper-cased; parameters are kept as sent.
 */
public record Capabilities(Map<String, String> extensions) {
    public Capabilities {
        extensions = Map.copyOf(extensions);
    }

    public static Capabilities none() {
        return new Capabilities(Map.of());
    }

    /** Parses a 250 EHLO reply: the first line is the greeting, each further line one extension. */
    public static Capabilities fromEhlo(SmtpReply reply) {
        Map<String, String> ext = new TreeMap<>();
        List<String> lines = reply.lines();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int sp = line.indexOf(' ');
            String keyword = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
            ext.putIfAbsent(keyword, sp < 0 ? "" : line.substring(sp + 1).strip());
        }
        return new Capabilities(ext);
    }

    public boolean has(String keyword) {
        return extensions.containsKey(keyword);
    }

    public boolean pipelining() {
        return has("PIPELINING");
    }

    public boolean startTls() {
        return has("STARTTLS");
    }

    public boolean dsn() {
        return has("DSN");
    }

    public boolean smtpUtf8() {
        return has("SMTPUTF8");
    }

    public boolean eightBitMime() {
        return has("8BITMIME");
    }

    /** SIZE announced with a positive limit (RFC 1870 §4); 0 means no limit or not announced. */
    public long sizeLimit() {
        String value = extensions.get("SIZE");
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.split("\\s+")[0]));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
