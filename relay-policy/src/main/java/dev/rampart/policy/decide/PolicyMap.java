package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DomainNames;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The manual per-destination TLS levels of {@code tls.policy-map} (POL-10, DANE-16). File format, one
 * entry a line, in the spirit of Postfix's {@code smtp_tls_policy_maps}:
 * <pre>
 * # destination      level        attributes
 * example.com        dane-only              # this domain only
 * .example.net       dane-only              # every subdomain of example.net, not example.net itself
 * legacy.example     none                   # never STARTTLS
 * partner.example    encrypt                # TLS required, certificate not checked
 * bank.example       secure                 # WebPKI, names: the MX host and bank.example
 * pay.example        secure  match=mx1.pay.example:mx2.pay.example
 * [192.0.2.25]       encrypt                # an address literal next hop (row 19)
 * </pre>
 * Levels: {@code none}, {@code may}, {@code encrypt}, {@code secure}, {@code dane}, {@code dane-only}.
 * The only attribute is {@code match=} on {@code secure}: colon-separated host names that replace the
 * default reference names (a certificate wildcard still covers one leftmost label). An exact entry beats
 * a parent entry; among parent entries the longest (most specific) wins. Names are normalised like next-hop
 * domains (MX-01) and address literals to one spelling, so entries and lookups agree. Immutable and
 * thread-safe; parsing is pure (the caller reads the file).
 */
public final class PolicyMap {
    /** A map without entries: every destination gets the default level. */
    public static final PolicyMap EMPTY = new PolicyMap(Map.of(), Map.of());

    private static final String LEVELS = "none, may, encrypt, secure, dane, dane-only";
    private static final String MATCH = "match=";

    private final Map<String, ManualPolicy> exact;
    private final Map<String, ManualPolicy> parents;

    private PolicyMap(Map<String, ManualPolicy> exact, Map<String, ManualPolicy> parents) {
        this.exact = Map.copyOf(exact);
        this.parents = Map.copyOf(parents);
    }

    /**
     * Parses the lines of a policy map. {@code source} names the file in error messages.
     *
     * @throws PolicyMapException on the first bad line: a malformed destination, an unknown level, a bad or
     *                            misplaced attribute, or a destination listed twice
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
            if (fields.length < 2) {
                throw new PolicyMapException(source, lineNo,
                        "'" + fields[0] + "' has no level (expected '<domain> <level> [match=names]')");
            }
            String destination = fields[0];
            boolean literal = AddressLiterals.isLiteralSyntax(destination);
            boolean parent = destination.startsWith(".");
            String key = literal
                    ? canonicalLiteral(destination).orElseThrow(() -> new PolicyMapException(source, lineNo,
                            "'" + destination + "' is not a valid address literal"))
                    : DomainNames.normalize(parent ? destination.substring(1) : destination)
                            .orElseThrow(() -> new PolicyMapException(source, lineNo,
                                    "'" + destination + "' is not a valid domain"));
            List<String> attributes = List.of(fields).subList(2, fields.length);
            ManualPolicy level = level(source, lineNo, fields[1], attributes, literal);
            Map<String, ManualPolicy> target = parent ? parents : exact;
            if (target.putIfAbsent(key, level) != null) {
                throw new PolicyMapException(source, lineNo, "'" + destination + "' is listed twice");
            }
        }
        return new PolicyMap(exact, parents);
    }

    private static ManualPolicy level(String source, int lineNo, String keyword, List<String> attributes,
                                      boolean literal) {
        String word = keyword.toLowerCase(Locale.ROOT);
        ManualPolicy level = switch (word) {
            case "none" -> ManualPolicy.NONE;
            case "may" -> ManualPolicy.MAY;
            case "encrypt" -> ManualPolicy.ENCRYPT;
            case "secure" -> new ManualPolicy.Secure(matchNames(source, lineNo, attributes));
            case "dane" -> ManualPolicy.DANE;
            case "dane-only" -> ManualPolicy.DANE_ONLY;
            default -> throw new PolicyMapException(source, lineNo,
                    "unknown level '" + keyword + "' (supported: " + LEVELS + ")");
        };
        if (!(level instanceof ManualPolicy.Secure) && !attributes.isEmpty()) {
            throw new PolicyMapException(source, lineNo, "level '" + word + "' takes no attributes, found '"
                    + String.join(" ", attributes) + "' (only secure takes match=)");
        }
        if (literal && level instanceof ManualPolicy.DaneOnly) {
            throw new PolicyMapException(source, lineNo,
                    "dane-only cannot apply to an address literal: it has no MX or TLSA records (MX-02)");
        }
        if (literal && level instanceof ManualPolicy.Secure s && s.matchNames().isEmpty()) {
            throw new PolicyMapException(source, lineNo,
                    "secure for an address literal needs match=<names>: an address has no name to check");
        }
        return level;
    }

    private static List<String> matchNames(String source, int lineNo, List<String> attributes) {
        List<String> names = new ArrayList<>();
        boolean seen = false;
        for (String attribute : attributes) {
            if (!attribute.regionMatches(true, 0, MATCH, 0, MATCH.length())) {
                throw new PolicyMapException(source, lineNo, "unknown attribute '" + attribute
                        + "' (secure takes match=name1:name2)");
            }
            if (seen) {
                throw new PolicyMapException(source, lineNo, "match= given twice");
            }
            seen = true;
            String value = attribute.substring(MATCH.length());
            if (value.isEmpty()) {
                throw new PolicyMapException(source, lineNo, "match= needs at least one host name");
            }
            for (String name : value.split(":", -1)) {
                String normal = DomainNames.normalize(name).filter(n -> !name.startsWith("."))
                        .orElseThrow(() -> new PolicyMapException(source, lineNo, "match name '" + name
                                + "' is not a host name (names are separated by ':'; wildcards and"
                                + " leading dots are not allowed)"));
                names.add(normal);
            }
        }
        return names;
    }

    /** One spelling per address literal: {@code [192.0.2.1]}, {@code [IPv6:2001:db8:0:0:0:0:0:1]}. */
    static Optional<String> canonicalLiteral(String text) {
        return AddressLiterals.parseLiteral(text).map(PolicyMap::literalOf);
    }

    private static String literalOf(InetAddress address) {
        return address instanceof Inet6Address ? "[IPv6:" + address.getHostAddress() + "]"
                : "[" + address.getHostAddress() + "]";
    }

    /**
     * The entry that applies to a next-hop: a normalised domain (exact first, then the longest parent) or
     * an address literal (exact only, row 19), if any.
     */
    public Optional<ManualPolicy> entryFor(String destination) {
        if (AddressLiterals.isLiteralSyntax(destination)) {
            return canonicalLiteral(destination).map(exact::get);
        }
        ManualPolicy e = exact.get(destination);
        if (e != null) {
            return Optional.of(e);
        }
        for (int dot = destination.indexOf('.'); dot >= 0; dot = destination.indexOf('.', dot + 1)) {
            ManualPolicy p = parents.get(destination.substring(dot + 1));
            if (p != null) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The level for a next-hop: its entry, else the default {@link ManualPolicy#DANE}. */
    public ManualPolicy levelFor(String destination) {
        return entryFor(destination).orElse(ManualPolicy.DANE);
    }

    /** Number of entries, for a startup log line. */
    public int size() {
        return exact.size() + parents.size();
    }
}
