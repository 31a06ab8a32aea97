package dev.rampart.server.e2e;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DNS data of a test world under the private TLD {@code test.}: a builder of MX, A and TXT records that
 * renders one master-format zone file per zone for {@link NsdServer}. Records go to the most specific
 * declared zone; {@code test.} itself is always a zone, and each declared child zone is delegated from it
 * with NS + glue, so a zone can later be signed on its own ({@link ZoneSigner}). Not thread-safe.
 */
final class TestZones {

    static final String TLD = "test";

    /** One resource record; {@code owner} is absolute without the trailing dot. */
    record Rr(String owner, String type, String rdata) {}

    /**
     * Turns a rendered zone file into the file NSD serves, plus the DS records the parent must publish for
     * it. {@link #NONE} serves zones unsigned; {@link LdnsZoneSigner} signs them. Children are signed before
     * their parent, so a parent's rendering already holds its children's DS.
     */
    @FunctionalInterface
    interface ZoneSigner {
        ZoneSigner NONE = (origin, zoneFile) -> new Signed(zoneFile, List.of());

        Signed sign(String origin, java.nio.file.Path zoneFile) throws java.io.IOException, InterruptedException;
    }

    /** A zone file ready to serve and the DS records (zone-file lines) that delegate to it securely. */
    record Signed(java.nio.file.Path servedFile, List<String> dsRecords) {
        Signed {
            dsRecords = List.copyOf(dsRecords);
        }
    }

    private final Map<String, List<Rr>> zones = new LinkedHashMap<>();

    TestZones() {
        zones.put(TLD, new ArrayList<>());
    }

    /** Declares a child zone (e.g. {@code dest.test}) served and, later, signed on its own. */
    TestZones zone(String origin) {
        String o = name(origin);
        if (!o.endsWith("." + TLD)) {
            throw new IllegalArgumentException("test zones live under ." + TLD + ": " + origin);
        }
        zones.putIfAbsent(o, new ArrayList<>());
        return this;
    }

    TestZones mx(String domain, int preference, String host) {
        return add(domain, "MX", preference + " " + name(host) + ".");
    }

    /** RFC 7505 null MX: "0 ." (MX-07). */
    TestZones nullMx(String domain) {
        return add(domain, "MX", "0 .");
    }

    TestZones a(String host, InetAddress address) {
        if (!address.isLoopbackAddress() || address.getAddress().length != 4) {
            throw new IllegalArgumentException("test addresses must be IPv4 loopback: " + address);
        }
        return add(host, "A", address.getHostAddress());
    }

    TestZones txt(String owner, String text) {
        return add(owner, "TXT", "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    TestZones add(String owner, String type, String rdata) {
        String o = name(owner);
        zones.get(zoneOf(o)).add(new Rr(o, type.toUpperCase(Locale.ROOT), rdata));
        return this;
    }

    List<String> origins() {
        return List.copyOf(zones.keySet());
    }

    /** Zones deepest first: the order in which to sign them (a child's DS goes into its parent). */
    List<String> signingOrder() {
        List<String> order = new ArrayList<>(zones.keySet());
        order.sort(java.util.Comparator.comparingInt((String o) -> o.split("\\.").length).reversed());
        return order;
    }

    String render(String origin, InetAddress nsAddress) {
        return render(origin, nsAddress, Map.of());
    }

    /**
     * The zone file text for {@code origin}, with SOA and NS at {@code ns.<origin>} = {@code nsAddress}, and
     * for each delegated child the DS lines in {@code childDs} (empty for unsigned children).
     */
    String render(String origin, InetAddress nsAddress, Map<String, List<String>> childDs) {
        String o = name(origin);
        StringBuilder z = new StringBuilder();
        z.append("$ORIGIN ").append(o).append(".\n$TTL 30\n");
        z.append("@ IN SOA ns.").append(o).append(". hostmaster.").append(o).append(". 1 3600 600 86400 30\n");
        z.append("@ IN NS ns.").append(o).append(".\n");
        z.append("ns.").append(o).append(". IN A ").append(nsAddress.getHostAddress()).append('\n');
        for (String child : zones.keySet()) {
            if (!child.equals(o) && zoneOf(parentOf(child)).equals(o)) {
                // Delegation with glue, so the parent can vouch for (and later sign a DS for) the child.
                z.append(child).append(". IN NS ns.").append(child).append(".\n");
                z.append("ns.").append(child).append(". IN A ").append(nsAddress.getHostAddress()).append('\n');
                for (String ds : childDs.getOrDefault(child, List.of())) {
                    z.append(ds).append('\n');
                }
            }
        }
        for (Rr rr : zones.get(o)) {
            z.append(rr.owner()).append(". IN ").append(rr.type()).append(' ').append(rr.rdata()).append('\n');
        }
        return z.toString();
    }

    private String zoneOf(String owner) {
        String best = null;
        for (String origin : zones.keySet()) {
            if ((owner.equals(origin) || owner.endsWith("." + origin)) && (best == null || origin.length() > best.length())) {
                best = origin;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(owner + " is not under ." + TLD);
        }
        return best;
    }

    private static String parentOf(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static String name(String n) {
        String s = n.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
