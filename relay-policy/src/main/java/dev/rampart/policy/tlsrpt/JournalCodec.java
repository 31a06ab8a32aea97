package dev.rampart.policy.tlsrpt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptResultType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link SessionRecord} as one line of the journal: compact JSON with a format version, so that a
 * journal written by one release is read by the next. {@link #decode} rejects anything that does not
 * round-trip (unknown version, unknown result or policy type, missing fields) with a message; the journal
 * then skips and counts the line. Pure and thread-safe.
 */
final class JournalCodec {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JournalCodec() {}

    /** The line, UTF-8, ending in LF. */
    static byte[] encode(SessionRecord record) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        root.put("at", record.at().toString());
        root.put("domain", record.reportDomain());
        ArrayNode results = root.putArray("results");
        for (PolicyResult r : record.results()) {
            ObjectNode n = results.addObject();
            TlsRptPolicy p = r.policy();
            n.put("type", p.type().wireName());
            strings(n.putArray("strings"), p.policyStrings());
            n.put("policy_domain", p.policyDomain());
            strings(n.putArray("mx_host"), p.mxHost());
            ArrayNode failures = n.putArray("failures");
            for (FailureDetail f : r.failures()) {
                ObjectNode d = failures.addObject();
                d.put("result", f.resultType().wireName());
                d.put("sending_ip", f.sendingMtaIp());
                d.put("mx", f.receivingMxHostname());
                d.put("helo", f.receivingMxHelo());
                d.put("ip", f.receivingIp());
                d.put("code", f.failureReasonCode());
                d.put("info", f.additionalInformation());
            }
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a TLS-RPT journal line", e);
        }
    }

    /** Parses one line (without its LF). */
    static SessionRecord decode(String line) throws BadLine {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadLine("not a JSON object");
        }
        if (root.path("v").asInt(-1) != VERSION) {
            throw new BadLine("unknown journal format version " + root.path("v"));
        }
        Instant at;
        try {
            at = Instant.parse(text(root, "at"));
        } catch (DateTimeParseException e) {
            throw new BadLine("bad time " + root.path("at"));
        }
        List<PolicyResult> results = new ArrayList<>();
        for (JsonNode n : array(root, "results")) {
            TlsRptPolicy policy = new TlsRptPolicy(policyType(text(n, "type")), strings(array(n, "strings")),
                    text(n, "policy_domain"), strings(array(n, "mx_host")));
            List<FailureDetail> failures = new ArrayList<>();
            for (JsonNode d : array(n, "failures")) {
                failures.add(new FailureDetail(resultType(text(d, "result")), text(d, "sending_ip"), text(d, "mx"),
                        text(d, "helo"), text(d, "ip"), text(d, "code"), text(d, "info")));
            }
            results.add(new PolicyResult(policy, failures));
        }
        if (results.isEmpty()) {
            throw new BadLine("no policy results");
        }
        return new SessionRecord(at, text(root, "domain"), results);
    }

    private static void strings(ArrayNode target, List<String> values) {
        values.forEach(target::add);
    }

    private static List<String> strings(JsonNode array) throws BadLine {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array) {
            if (!s.isTextual()) {
                throw new BadLine("expected a string, found " + s);
            }
            out.add(s.asText());
        }
        return out;
    }

    private static String text(JsonNode node, String field) throws BadLine {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadLine("missing or non-text field '" + field + "'");
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode node, String field) throws BadLine {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw new BadLine("missing array '" + field + "'");
        }
        return v;
    }

    private static TlsRptPolicyType policyType(String wire) throws BadLine {
        for (TlsRptPolicyType t : TlsRptPolicyType.values()) {
            if (t.wireName().equals(wire)) {
                return t;
            }
        }
        throw new BadLine("unknown policy type '" + wire + "'");
    }

    private static TlsRptResultType resultType(String wire) throws BadLine {
        for (TlsRptResultType t : TlsRptResultType.values()) {
            if (t.wireName().equals(wire)) {
                return t;
            }
        }
        throw new BadLine("unknown result type '" + wire + "'");
    }

    /** A journal line that cannot be read back. */
    static final class BadLine extends Exception {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }
}
