package dev.rampart.server.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the relay's delivery log, as written to stdout:
 * {@code queue_id=<id> rcpt=<addr> status=sent|deferred|bounced relay=<host>[<ip>]:<port> tls=... policy=...
 * delay=<n.n>s attempts=<n> dsn=<x.y.z> reply="<text>"}, possibly after a timestamp/level/logger prefix.
 * Parsed as key=value pairs (a value is a bare token or a double-quoted string with backslash escapes).
 */
record DeliveryLogLine(Map<String, String> fields, String raw) {

    private static final Pattern PAIR = Pattern.compile("(?<![\\w.-])([a-z_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    DeliveryLogLine {
        fields = Map.copyOf(fields);
    }

    /** The delivery record in {@code line}, if the line is one (it has queue_id, rcpt and status). */
    static Optional<DeliveryLogLine> parse(String line) {
        if (!line.contains("rcpt=") || !line.contains("status=") || !line.contains("queue_id=")) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(line);
        while (m.find()) {
            String value = m.group(2);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            fields.putIfAbsent(m.group(1), value);
        }
        return Optional.of(new DeliveryLogLine(fields, line));
    }

    String get(String key) {
        return fields.getOrDefault(key, "");
    }

    String queueId() {
        return get("queue_id");
    }

    String rcpt() {
        return get("rcpt");
    }

    String status() {
        return get("status");
    }

    String tls() {
        return get("tls");
    }

    /** none | dane | dane-only | mta-sts | manual: the TLS policy the attempt ran under. */
    String policy() {
        return get("policy");
    }

    String dsn() {
        return get("dsn");
    }

    String relay() {
        return get("relay");
    }

    String reply() {
        return get("reply");
    }
}
