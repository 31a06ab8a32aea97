package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Renders the admin API's policy explanation ({@code PolicyJson}) for a person: the MX answer, the
 * MTA-STS record and policy, the domain decision, then one block per MX host with addresses, TLSA
 * records, whether the MTA-STS policy admits it, the decision and why, and the probe when there is one.
 * Pure and thread-safe.
 */
final class PolicyText {
    private PolicyText() {}

    static String explain(JsonNode e) {
        StringBuilder sb = new StringBuilder();
        sb.append("domain ").append(e.path("domain").asText()).append(" (policy map level: ")
                .append(e.path("manual").asText()).append(")\n");
        JsonNode mx = e.path("mx");
        switch (mx.path("result").asText()) {
            case "hosts" -> {
                sb.append("MX RRset: ").append(mx.path("status").asText())
                        .append(mx.path("implicit").asBoolean() ? " (no MX: the domain is its own mail host)" : "")
                        .append('\n');
                for (JsonNode s : mx.path("skipped")) {
                    sb.append("  dropped: ").append(s.asText()).append('\n');
                }
            }
            default -> sb.append("MX lookup: ").append(mx.path("result").asText()).append(' ')
                    .append(mx.path("status").asText()).append(": ").append(mx.path("reason").asText()).append('\n');
        }
        if (e.has("sts")) {
            sb.append(StsText.explain(e.path("sts")));
        }
        JsonNode decision = e.path("decision");
        switch (decision.path("action").asText()) {
            case "try-hosts" -> sb.append("decision: try the hosts below in this order\n");
            case "defer" -> sb.append("decision: defer ").append(decision.path("status").asText()).append(": ")
                    .append(decision.path("reason").asText()).append('\n');
            default -> sb.append("decision: bounce ").append(decision.path("status").asText()).append(": ")
                    .append(decision.path("reason").asText()).append('\n');
        }
        for (JsonNode h : e.path("hosts")) {
            host(sb, h);
        }
        return sb.toString();
    }

    private static void host(StringBuilder sb, JsonNode h) {
        sb.append('\n').append(h.path("name").asText());
        if (h.has("preference")) {
            sb.append(" (preference ").append(h.path("preference").asInt()).append(')');
        }
        sb.append('\n');
        if (h.has("addresses")) {
            sb.append("  addresses: ").append(join(h.path("addresses"))).append(" (")
                    .append(h.path("address_status").asText()).append(")\n");
        }
        JsonNode t = h.path("tlsa");
        if (!t.isMissingNode()) {
            if (!t.path("queried").asBoolean()) {
                sb.append("  TLSA: not looked up: ").append(t.path("reason").asText()).append('\n');
            } else {
                sb.append("  TLSA at _25._tcp.").append(t.path("base").asText()).append(": ")
                        .append(t.path("answer").asText());
                if (!t.path("status").asText().isEmpty()) {
                    sb.append(' ').append(t.path("status").asText());
                }
                if (!t.path("reason").asText().isEmpty()) {
                    sb.append(": ").append(t.path("reason").asText());
                }
                sb.append('\n');
                for (JsonNode r : t.path("records")) {
                    sb.append("    ").append(r.path("record").asText()).append(r.path("usable").asBoolean()
                            ? "  usable" : "  unusable: " + r.path("unusable_reason").asText()).append('\n');
                }
            }
        }
        sb.append(StsText.hostMatch(h.path("sts")));
        JsonNode p = h.path("plan");
        if (p.path("action").asText().equals("skip")) {
            sb.append("  decision: skip, no connection (").append(p.path("status").asText()).append("): ")
                    .append(p.path("reason").asText()).append('\n');
        } else {
            String auth = switch (p.path("authentication").asText()) {
                case "dane" -> "authenticated by DANE";
                case "pkix" -> "authenticated by WebPKI (MTA-STS)";
                default -> p.path("audit").asText().equals("pkix")
                        ? "certificate not required to pass, WebPKI check reported only (MTA-STS testing)"
                        : "certificate not authenticated";
            };
            sb.append("  decision: TLS ").append(p.path("tls").asText()).append(", ").append(auth)
                    .append(", SNI ").append(p.path("sni").asText()).append(", policy=")
                    .append(p.path("policy").asText()).append('\n');
            if (!p.path("reference_ids").isEmpty()) {
                sb.append(p.path("authentication").asText().equals("pkix") ? "  certificate must name: "
                        : "  reference names (DANE-TA): ").append(join(p.path("reference_ids"))).append('\n');
            }
            if (!p.path("audit_reference_ids").isEmpty()) {
                sb.append("  certificate checked (report only) for: ").append(join(p.path("audit_reference_ids")))
                        .append('\n');
            }
        }
        sb.append("  why: ").append(p.path("why").asText()).append('\n');
        JsonNode probe = h.path("probe");
        if (!probe.isMissingNode()) {
            probe(sb, probe);
        }
    }

    private static void probe(StringBuilder sb, JsonNode probe) {
        sb.append("  probe");
        if (!probe.path("address").asText().isEmpty()) {
            sb.append(' ').append(probe.path("address").asText());
        }
        sb.append(": ").append(probe.path("outcome").asText());
        if (!probe.path("detail").asText().isEmpty()) {
            sb.append(": ").append(probe.path("detail").asText());
        }
        sb.append('\n');
        if (!probe.path("protocol").asText().isEmpty()) {
            sb.append("    tls=").append(probe.path("tls").asText()).append(' ').append(probe.path("protocol").asText())
                    .append(' ').append(probe.path("cipher").asText()).append('\n');
        }
        if (!probe.path("dane").asText().isEmpty()) {
            sb.append("    DANE: ").append(probe.path("dane").asText()).append('\n');
        }
        JsonNode pkix = probe.path("pkix");
        if (!pkix.path("role").asText().isEmpty()) {
            sb.append("    WebPKI (").append(pkix.path("role").asText().equals("enforce") ? "MTA-STS enforce"
                    : "MTA-STS testing, report only").append(") for ").append(join(pkix.path("reference_ids")))
                    .append(": ").append(pkix.path("result").asText());
            if (!pkix.path("reason").asText().isEmpty()) {
                sb.append(": ").append(pkix.path("reason").asText());
            }
            sb.append('\n');
        }
        int i = 0;
        for (JsonNode c : probe.path("chain")) {
            sb.append("    [").append(i++).append("] subject: ").append(c.path("subject").asText()).append('\n')
                    .append("        issuer: ").append(c.path("issuer").asText()).append('\n')
                    .append(c.path("dns_names").isEmpty() ? ""
                            : "        SAN dNSNames: " + join(c.path("dns_names")) + "\n")
                    .append("        SPKI sha256: ").append(c.path("spki_sha256").asText()).append('\n');
        }
    }

    private static String join(JsonNode array) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : array) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(n.asText());
        }
        return sb.toString();
    }
}
