package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The JSON shape of the queue API ({@code GET /api/queue}, {@code rampart queue list --json}):
 * <pre>
 * {"messages":[{"id","sender","arrival","state","next_attempt","size",
 *               "recipients":[{"address","state","attempts","next_attempt","last_reply"}]}]}
 * </pre>
 * States are lower case; timestamps ISO-8601 UTC to the second; {@code next_attempt} is null for a held
 * message and for recipients that are done; {@code last_reply} is null before the first attempt; the null
 * sender {@code <>} is the empty string. Pure and thread-safe.
 */
public final class QueueJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private QueueJson() {}

    public static ObjectNode list(List<QueueEntry> entries) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        entries.forEach(e -> messages.add(message(e)));
        return root;
    }

    public static ObjectNode message(QueueEntry entry) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("id", entry.envelope().id().value());
        m.put("sender", entry.envelope().sender());
        m.put("arrival", timestamp(entry.envelope().arrival()));
        m.put("state", state(entry.state()));
        boolean scheduled = switch (entry.state()) {
            case INCOMING, ACTIVE, DEFERRED -> true;
            case HOLD -> false;
        };
        if (scheduled) {
            m.put("next_attempt", timestamp(entry.nextAttempt()));
        } else {
            m.putNull("next_attempt");
        }
        m.put("size", entry.size());
        ArrayNode recipients = m.putArray("recipients");
        for (RecipientStatus r : entry.envelope().recipients()) {
            ObjectNode o = recipients.addObject();
            o.put("address", r.address());
            o.put("state", state(r.state()));
            o.put("attempts", r.attempts());
            if (scheduled && !r.state().isFinal()) {
                o.put("next_attempt", timestamp(entry.nextAttempt()));
            } else {
                o.putNull("next_attempt");
            }
            if (r.lastDiagnostic().isEmpty()) {
                o.putNull("last_reply");
            } else {
                o.put("last_reply", r.lastDiagnostic());
            }
        }
        return m;
    }

    static String state(QueueState s) {
        return switch (s) {
            case INCOMING -> "incoming";
            case ACTIVE -> "active";
            case DEFERRED -> "deferred";
            case HOLD -> "hold";
        };
    }

    static String state(RecipientState s) {
        return switch (s) {
            case QUEUED -> "queued";
            case DEFERRED -> "deferred";
            case DELIVERED -> "delivered";
            case BOUNCED -> "bounced";
        };
    }

    static String timestamp(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
