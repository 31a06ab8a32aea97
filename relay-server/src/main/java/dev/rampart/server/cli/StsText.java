package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Renders the admin API's MTA-STS JSON ({@code StsJson}) for a person: the cached policy of
 * {@code rampart sts show}, the result of {@code refresh} and {@code purge}, and the MTA-STS lines of
 * {@code rampart policy explain}. Pure and thread-safe.
 */
final class StsText {
    private StsText() {}

    /** {@code rampart sts show}. */
    static String show(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        JsonNode p = s.path("policy");
        sb.append("MTA-STS policy of ").append(s.path("domain").asText()).append(" (cached, ")
                .append(p.path("valid").asBoolean() ? "valid" : "expired: no longer applied").append(")\n");
        policy(sb, p, "  ");
        String blocked = s.path("fetch_blocked_until").asText();
        field(sb, "  ", "fetch backoff", blocked.isEmpty() ? "none" : "no fetch of this id before " + blocked
                + " (a fetch failed; STS-10)");
        if (!s.path("enabled").asBoolean(true)) {
            sb.append("MTA-STS is disabled (mta-sts.enabled: false): delivery ignores this policy.\n");
        }
        return sb.toString();
    }

    /** {@code rampart sts refresh}. */
    static String refresh(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        String domain = r.path("domain").asText();
        JsonNode p = r.path("policy");
        if (r.path("result").asText().equals("refreshed")) {
            sb.append("refreshed the MTA-STS policy of ").append(domain).append('\n');
            policy(sb, p, "  ");
            return sb.toString();
        }
        sb.append("refresh of the MTA-STS policy of ").append(domain).append(" failed: ")
                .append(r.path("reason").asText()).append('\n');
        txt(sb, r.path("txt"), "  ");
        if (r.path("cached_policy_kept").asBoolean()) {
            sb.append("  the cached policy stays in force until it expires (STS-15):\n");
            policy(sb, p, "    ");
        } else {
            sb.append("  no MTA-STS policy applies: mail to ").append(domain)
                    .append(" goes out as if the domain had none (STS-15)\n");
        }
        return sb.toString();
    }

    /** {@code rampart sts purge}. */
    static String purge(JsonNode r) {
        String domain = r.path("domain").asText();
        return r.path("had_policy").asBoolean()
                ? "purged the cached MTA-STS policy of " + domain + "; the next delivery fetches it afresh\n"
                : "no MTA-STS policy was cached for " + domain + " (any fetch backoff was cleared)\n";
    }

    /** The MTA-STS part of {@code policy explain} (the {@code sts} object of {@code PolicyJson}). */
    static String explain(JsonNode sts) {
        JsonNode txt = sts.path("txt");
        JsonNode lookup = sts.path("lookup");
        if (txt.path("result").asText().equals("absent") && lookup.path("result").asText().equals("no-policy")
                && txt.path("reason").asText().equals(lookup.path("reason").asText())) {
            // Nothing published and nothing cached (or not looked up at all): one reason says it all.
            return "MTA-STS: none (" + txt.path("reason").asText() + ")\n";
        }
        StringBuilder sb = new StringBuilder("MTA-STS:\n");
        txt(sb, txt, "  ");
        switch (lookup.path("result").asText()) {
            case "applied" -> {
                JsonNode p = sts.path("policy");
                sb.append("  policy: mode ").append(p.path("mode").asText()).append(", from the ")
                        .append(lookup.path("source").asText().equals("fetch") ? "web server just now" : "cache")
                        .append(" (").append(lookup.path("reason").asText()).append(")\n");
                policy(sb, p, "    ");
                if (p.path("mode").asText().equals("none")) {
                    sb.append("    mode none: treated as no policy (STS-21)\n");
                }
            }
            case "fetch-failed" -> sb.append("  policy: fetch failed (").append(lookup.path("failure").asText())
                    .append("): ").append(lookup.path("reason").asText())
                    .append("; nothing valid cached, delivery goes on as if there were no policy (STS-15)\n");
            default -> sb.append("  policy: none (").append(lookup.path("reason").asText()).append(")\n");
        }
        String blocked = lookup.path("fetch_blocked_until").asText();
        if (!blocked.isEmpty()) {
            sb.append("  fetch backoff: id ").append(txt.path("id").asText()).append(" not fetched again before ")
                    .append(blocked).append(" (STS-10)\n");
        }
        return sb.toString();
    }

    /** One host's mx match line for {@code policy explain}; empty when no enforce/testing policy applies. */
    static String hostMatch(JsonNode host) {
        if (!host.path("checked").asBoolean()) {
            return "";
        }
        String mode = host.path("mode").asText();
        if (host.path("admitted").asBoolean()) {
            return "  MTA-STS " + mode + ": admitted by mx pattern " + host.path("matched_pattern").asText() + "\n";
        }
        return "  MTA-STS " + mode + ": not admitted by any mx pattern (STS-17)"
                + (mode.equals("enforce") ? ", so no delivery to this host\n" : ", reported only\n");
    }

    private static void txt(StringBuilder sb, JsonNode txt, String indent) {
        if (txt.path("result").asText().equals("found")) {
            sb.append(indent).append("TXT record: id=").append(txt.path("id").asText()).append('\n');
        } else {
            sb.append(indent).append("TXT record: none (").append(txt.path("reason").asText()).append(")\n");
        }
    }

    private static void policy(StringBuilder sb, JsonNode p, String indent) {
        field(sb, indent, "id", p.path("id").asText());
        field(sb, indent, "mode", p.path("mode").asText());
        long maxAge = p.path("max_age").asLong();
        field(sb, indent, "max_age", maxAge + " s (" + duration(maxAge) + ")");
        field(sb, indent, "mx", join(p.path("mx")));
        field(sb, indent, "fetched", p.path("fetched_at").asText() + " (" + duration(p.path("age_seconds").asLong())
                + " ago)");
        field(sb, indent, "expires", p.path("expires_at").asText() + (p.path("valid").asBoolean() ? "" : " (expired)"));
        field(sb, indent, "refresh due", p.path("refresh_at").asText());
    }

    private static void field(StringBuilder sb, String indent, String name, String value) {
        sb.append(indent).append(String.format(Locale.ROOT, "%-14s %s%n", name + ":", value));
    }

    /** "45s", "3h 5m", "1d 2h": enough precision for an operator, never more than two units. */
    static String duration(long seconds) {
        long d = seconds / 86400;
        long h = seconds % 86400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return h > 0 ? d + "d " + h + "h" : d + "d";
        }
        if (h > 0) {
            return m > 0 ? h + "h " + m + "m" : h + "h";
        }
        if (m > 0) {
            return s > 0 ? m + "m " + s + "s" : m + "m";
        }
        return s + "s";
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
