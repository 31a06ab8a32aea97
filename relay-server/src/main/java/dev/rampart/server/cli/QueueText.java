package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * Renders the admin API's queue JSON for people: a listing like mailq (one line per message, its
 * recipients indented below) and a detailed view of one message. The null sender shows as {@code <>}.
 * Pure and thread-safe.
 */
final class QueueText {
    private static final String ROW = "%-18s  %-8s  %9s  %-20s  %-20s  %s%n";

    private QueueText() {}

    static String listing(JsonNode list) {
        JsonNode messages = list.path("messages");
        if (messages.isEmpty()) {
            return "Mail queue is empty\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, ROW, "QUEUE ID", "STATE", "SIZE", "ARRIVAL", "NEXT ATTEMPT", "SENDER"));
        long total = 0;
        int recipients = 0;
        for (JsonNode m : messages) {
            total += m.path("size").asLong();
            sb.append(String.format(Locale.ROOT, ROW, m.path("id").asText(), m.path("state").asText(),
                    m.path("size").asLong(), m.path("arrival").asText(), orDash(m.path("next_attempt")),
                    sender(m)));
            for (JsonNode r : m.path("recipients")) {
                recipients++;
                sb.append("    -> ").append(r.path("address").asText()).append("  ").append(r.path("state").asText())
                        .append(", attempts ").append(r.path("attempts").asInt());
                if (!r.path("last_reply").isNull() && !r.path("last_reply").isMissingNode()) {
                    sb.append(", last reply: ").append(r.path("last_reply").asText());
                }
                sb.append('\n');
            }
        }
        int n = messages.size();
        sb.append("-- ").append(total).append(" octets in ").append(n).append(n == 1 ? " message" : " messages")
                .append(", ").append(recipients).append(recipients == 1 ? " recipient" : " recipients").append('\n');
        return sb.toString();
    }

    static String detail(JsonNode m) {
        StringBuilder sb = new StringBuilder();
        field(sb, "queue id", m.path("id").asText());
        field(sb, "state", m.path("state").asText());
        field(sb, "sender", sender(m));
        field(sb, "arrival", m.path("arrival").asText());
        field(sb, "next attempt", orDash(m.path("next_attempt")));
        field(sb, "size", m.path("size").asLong() + " octets");
        sb.append("recipients:\n");
        for (JsonNode r : m.path("recipients")) {
            sb.append("  ").append(r.path("address").asText()).append('\n');
            sb.append("    state ").append(r.path("state").asText())
                    .append(", attempts ").append(r.path("attempts").asInt())
                    .append(", next attempt ").append(orDash(r.path("next_attempt"))).append('\n');
            if (!r.path("last_reply").isNull() && !r.path("last_reply").isMissingNode()) {
                sb.append("    last reply: ").append(r.path("last_reply").asText()).append('\n');
            }
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "%-13s %s%n", name + ":", value));
    }

    private static String sender(JsonNode m) {
        String s = m.path("sender").asText();
        return s.isEmpty() ? "<>" : s;
    }

    private static String orDash(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }
}
