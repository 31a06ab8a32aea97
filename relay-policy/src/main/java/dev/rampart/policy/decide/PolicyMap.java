package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DomainNames;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The manual per-destination TLS levels of {@code tls.policy-map} (POL-10, DANE-16). File format, one
 * entry a line, in the spirit of Postfix's {@code smtp_tls_policy_maps}:
 * <pre>
 * # comment
 * example.com        dane-only     # this domain only
 * .example.net       dane-only     # every subdomain of example.net, not example.net itself
 * </pre>
 * An exact domain entry beats a parent entry; among parent entries the longest (most specific) wins.
 * Names are normalised like next-hop domains (MX-01), so entries and lookups agree on IDNs and case.
 * Immutable and thread-safe; parsing is pure (the caller reads the file).
 */
public final class PolicyMap {
    /** A map without entries: every destination gets the default level. */
    public static final PolicyMap EMPTY = new PolicyMap(Map.of(), Map.of());

    private final Map<String, ManualPolicy> exact;
    private final Map<String, ManualPolicy> parents;

    private PolicyMap(Map<String, ManualPolicy> exact, Map<String, ManualPolicy> parents) {
        this.exact = Map.copyOf(exact);
        this.parents = Map.copyOf(parents);
    }

    /**
     * Parses the lines of a policy map. {@code source} names the file in error messages.
     *
     * @throws PolicyMapException on the first bad line: a malformed domain, an unknown or not yet
     *                            supported level, extra fields, or a domain listed twice
     */
    public static PolicyMap parse(String source, List<String> lines) {
        Map<String, ManualPolicy> exact = new HashMap<>();
        Map<String, ManualPolicy> parents = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String text = lines.get(i);
            int hash = text.indexOf('#');
            String content = (hash >= 0 ? text.substring(0, hash) : text).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("\\s+");
            if (fields.length != 2) {
                throw new PolicyMapException(source, lineNo, fields.length == 1
                        ? "'" + fields[0] + "' has no level (expected '<domain> <level>')"
                        : "expected '<domain> <level>', found " + fields.length + " fields");
            }
            boolean parent = fields[0].startsWith(".");
            String name = parent ? fields[0].substring(1) : fields[0];
            String domain = DomainNames.normalize(name)
                    .orElseThrow(() -> new PolicyMapException(source, lineNo, "'" + fields[0] + "' is not a valid domain"));
            ManualPolicy level = level(source, lineNo, fields[1]);
            Map<String, ManualPolicy> target = parent ? parents : exact;
            if (target.putIfAbsent(domain, level) != null) {
                throw new PolicyMapException(source, lineNo, "'" + fields[0] + "' is listed twice");
            }
        }
        return new PolicyMap(exact, parents);
    }

    private static ManualPolicy level(String source, int lineNo, String keyword) {
        return switch (keyword.toLowerCase(Locale.ROOT)) {
            case "dane" -> ManualPolicy.DANE;
            case "dane-only" -> ManualPolicy.DANE_ONLY;
            case "none", "may", "encrypt", "secure" -> throw new PolicyMapException(source, lineNo,
                    "level '" + keyword + "' is not supported yet (supported: dane, dane-only)");
            default -> throw new PolicyMapException(source, lineNo,
                    "unknown level '" + keyword + "' (supported: dane, dane-only)");
        };
    }

    /** The entry that applies to a normalised next-hop domain, if any: exact first, then the longest parent. */
    public Optional<ManualPolicy> entryFor(String domain) {
        ManualPolicy e = exact.get(domain);
        if (e != null) {
            return Optional.of(e);
        }
        for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
            ManualPolicy p = parents.get(domain.substring(dot + 1));
            if (p != null) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The level for a normalised next-hop domain: its entry, else the default {@link ManualPolicy#DANE}. */
    public ManualPolicy levelFor(String domain) {
        return entryFor(domain).orElse(ManualPolicy.DANE);
    }

    /** Number of entries, for a startup log line. */
    public int size() {
        return exact.size() + parents.size();
    }
}
