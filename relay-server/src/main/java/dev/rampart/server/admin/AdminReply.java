package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One admin HTTP response before it is written: status, content type, body and, for 405, the
 * {@code Allow} header. Errors are JSON {@code {"error": "..."}} so that every client reads them the
 * same way. Immutable.
 */
record AdminReply(int status, String contentType, byte[] body, String allow) {

    static AdminReply text(int status, String text) {
        return new AdminReply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), "");
    }

    static AdminReply json(int status, JsonNode node) {
        try {
            byte[] body = QueueJson.MAPPER.writeValueAsBytes(node);
            return new AdminReply(status, "application/json", body, "");
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static AdminReply error(int status, String message) {
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("error", message);
        return json(status, o);
    }

    static AdminReply methodNotAllowed(String allow) {
        AdminReply r = error(405, "method not allowed; use " + allow);
        return new AdminReply(405, r.contentType, r.body, allow);
    }
}
