package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.dns.MxResolution;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Turns DNS facts into where mail for a next hop goes (RFC 5321 §5.1, RFC 7505, RFC 7672 §2.2), in three
 * pure steps driven by {@link MxStep}: {@link #start}, {@link #afterMx}, {@link #finish}. No I/O, no clock,
 * no logging; the only side input is the random generator that shuffles equal preferences (MX-09).
 *
 * <p>Status codes (RFC 3463) chosen here:
 * <ul>
 *   <li>5.1.3 the next hop is neither a valid domain nor a valid address literal;</li>
 *   <li>5.1.2 NXDOMAIN (MX-04), and no MX with no address either (MX-06): the destination system does not exist;</li>
 *   <li>5.1.10 null MX (MX-07, RFC 7505 §4.1);</li>
 *   <li>5.4.4 MX records exist but every target is definitely unusable (MX-12): routing data leads nowhere;</li>
 *   <li>5.4.6 the best route is ourselves (MX-11): a mail loop;</li>
 *   <li>4.4.3 any lookup error on the way (MX-05, MX-13).</li>
 * </ul>
 * Thread-safe if the random generator given to {@link #finish} is not shared across threads.
 */
public final class MxPlanner {
    public static final String NO_SUCH_DOMAIN = "5.1.2";
    public static final String BAD_SYNTAX = "5.1.3";
    public static final String NULL_MX = "5.1.10";
    public static final String NO_ROUTE = "5.4.4";
    public static final String LOOPS_BACK = "5.4.6";
    public static final String DNS_TEMPFAIL = "4.4.3";

    private MxPlanner() {}

    /** MX-01, MX-02: an address literal is decided at once; a domain is normalised and its MX asked for. */
    public static MxStep start(String nextHop, LocalIdentity self) {
        String hop = nextHop.strip();
        if (AddressLiterals.isLiteralSyntax(hop)) {
            Optional<InetAddress> address = AddressLiterals.parseLiteral(hop);
            if (address.isEmpty()) {
                return decided(new MxResolution.Permanent(hop, BAD_SYNTAX, "malformed address literal " + hop));
            }
            InetAddress a = address.get();
            String name = a instanceof Inet6Address ? "[IPv6:" + a.getHostAddress() + "]" : "[" + a.getHostAddress() + "]";
            if (self.isOurAddress(a)) {
                return decided(new MxResolution.Permanent(name, LOOPS_BACK, "mail for " + name + " loops back to myself"));
            }
            MxHost host = new MxHost(name, 0, List.of(a), DnssecStatus.INSECURE);
            return decided(new MxResolution.Hosts(name, List.of(host), DnssecStatus.INSECURE, false, List.of()));
        }
        Optional<String> domain = DomainNames.normalize(hop);
        if (domain.isEmpty()) {
            return decided(new MxResolution.Permanent(hop, BAD_SYNTAX, "'" + hop + "' is not a valid domain name"));
        }
        return new MxStep.QueryMx(domain.get());
    }

    /** MX-03..MX-08, MX-11 (by name), MX-12 (IP strings): reads the MX answer of a normalised domain. */
    public static MxStep afterMx(String domain, DnsResult<MxRecord> answer, LocalIdentity self) {
        return switch (answer) {
            case DnsResult.Failure<MxRecord> f -> decided(new MxResolution.Temporary(domain, DNS_TEMPFAIL,
                    "MX lookup for " + domain + " failed (" + f.kind() + "): " + f.reason()));
            case DnsResult.NxDomain<MxRecord> n -> decided(new MxResolution.Permanent(domain, NO_SUCH_DOMAIN,
                    "domain " + domain + " does not exist (NXDOMAIN)"));
            case DnsResult.NoData<MxRecord> n -> implicitMx(domain, n.status(), self);
            case DnsResult.Records<MxRecord> r -> r.records().isEmpty()
                    ? implicitMx(domain, r.status(), self)
                    : explicitMx(domain, r, self);
        };
    }

    private static MxStep implicitMx(String domain, DnssecStatus status, LocalIdentity self) {
        if (self.isOurName(domain)) {
            return decided(new MxResolution.Permanent(domain, LOOPS_BACK,
                    "mail for " + domain + " loops back to myself (no MX, the domain is our own name)"));
        }
        return new MxStep.ResolveHosts(domain, status, true, List.of(new MxRecord(0, domain)), List.of(),
                Integer.MAX_VALUE);
    }

    private static MxStep explicitMx(String domain, DnsResult.Records<MxRecord> answer, LocalIdentity self) {
        List<MxRecord> sorted = new ArrayList<>(answer.records());
        sorted.sort(Comparator.comparingInt(MxRecord::preference));
        if (sorted.stream().allMatch(r -> r.exchange().isEmpty())) {
            return decided(new MxResolution.Permanent(domain, NULL_MX,
                    "domain " + domain + " does not accept mail (null MX, RFC 7505)"));
        }
        List<String> skipped = new ArrayList<>();
        List<MxRecord> candidates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (MxRecord r : sorted) {
            String x = r.exchange();
            if (x.isEmpty()) {
                skipped.add(". (preference " + r.preference() + "): null MX among real MX records, ignored (MX-07)");
            } else if (AddressLiterals.parseIpString(x).isPresent()) {
                skipped.add(x + " (preference " + r.preference() + "): an IP address is not a host name (MX-12)");
            } else if (DomainNames.normalize(x).filter(x::equals).isEmpty()) {
                skipped.add(x + " (preference " + r.preference() + "): not a valid host name (MX-12)");
            } else if (seen.add(x)) {
                candidates.add(r);
            }
        }
        int selfCut = candidates.stream().filter(r -> self.isOurName(r.exchange()))
                .mapToInt(MxRecord::preference).min().orElse(Integer.MAX_VALUE);
        List<MxRecord> remaining = new ArrayList<>();
        for (MxRecord r : candidates) {
            if (r.preference() >= selfCut) {
                skipped.add(r.exchange() + " (preference " + r.preference()
                        + "): not better than our own preference " + selfCut + " (MX-11)");
            } else {
                remaining.add(r);
            }
        }
        if (remaining.isEmpty()) {
            if (selfCut != Integer.MAX_VALUE) {
                return decided(new MxResolution.Permanent(domain, LOOPS_BACK,
                        "mail for " + domain + " loops back to myself (best MX is our own name)"));
            }
            // MX-08: MX records exist, so the domain's own address is never a fallback.
            return decided(new MxResolution.Permanent(domain, NO_ROUTE,
                    "no usable MX target for " + domain + ": " + String.join("; ", skipped)));
        }
        return new MxStep.ResolveHosts(domain, answer.status(), false, remaining, skipped, selfCut);
    }

    /**
     * MX-06, MX-09, MX-11 (by address), MX-12, MX-13: combines the address answers of the candidates.
     * {@code addresses} maps each of {@link MxStep.ResolveHosts#hostNames()} to its answer; a missing
     * entry counts as a temporary failure.
     */
    public static MxResolution finish(MxStep.ResolveHosts step, Map<String, DnsResult<InetAddress>> addresses,
                                      LocalIdentity self, RandomGenerator random) {
        String domain = step.domain();
        int cut = step.selfCut();
        for (MxRecord r : step.candidates()) {
            if (addresses.get(r.exchange()) instanceof DnsResult.Records<InetAddress> rec
                    && rec.records().stream().anyMatch(self::isOurAddress)) {
                cut = Math.min(cut, r.preference());
            }
        }
        List<MxHost> usable = new ArrayList<>();
        List<String> skipped = new ArrayList<>(step.skipped());
        boolean temporary = false;
        boolean anyBetterThanUs = false;
        for (MxRecord r : step.candidates()) {
            String x = r.exchange();
            String where = x + " (preference " + r.preference() + ")";
            if (r.preference() >= cut) {
                skipped.add(where + ": not better than our own preference " + cut + " (MX-11)");
                continue;
            }
            anyBetterThanUs = true;
            DnsResult<InetAddress> answer = addresses.getOrDefault(x,
                    new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL, "no address answer"));
            switch (answer) {
                case DnsResult.Records<InetAddress> rec -> usable.add(new MxHost(x, r.preference(), rec.records(), rec.status()));
                case DnsResult.NxDomain<InetAddress> n -> skipped.add(where + ": NXDOMAIN (MX-12)");
                case DnsResult.NoData<InetAddress> n -> skipped.add(where + ": no A/AAAA records (MX-12)");
                case DnsResult.Failure<InetAddress> f -> {
                    temporary = true;
                    skipped.add(where + ": address lookup failed (" + f.kind() + "): " + f.reason() + " (MX-13)");
                }
            }
        }
        if (step.implicit()) {
            return implicitOutcome(step, usable, skipped, temporary, cut);
        }
        if (usable.isEmpty()) {
            if (!anyBetterThanUs) {
                return new MxResolution.Permanent(domain, LOOPS_BACK,
                        "mail for " + domain + " loops back to myself (best MX resolves to our address)");
            }
            String why = String.join("; ", skipped);
            return temporary
                    ? new MxResolution.Temporary(domain, DNS_TEMPFAIL, "no MX host of " + domain + " could be resolved: " + why)
                    : new MxResolution.Permanent(domain, NO_ROUTE, "no MX host of " + domain + " has an address: " + why);
        }
        return new MxResolution.Hosts(domain, shuffleEqualPreferences(usable, random), step.mxStatus(), false, skipped);
    }

    private static MxResolution implicitOutcome(MxStep.ResolveHosts step, List<MxHost> usable, List<String> skipped,
                                                boolean temporary, int cut) {
        String domain = step.domain();
        if (cut != Integer.MAX_VALUE) {
            return new MxResolution.Permanent(domain, LOOPS_BACK,
                    "mail for " + domain + " loops back to myself (no MX, the domain's address is ours)");
        }
        if (!usable.isEmpty()) {
            return new MxResolution.Hosts(domain, usable, step.mxStatus(), true, List.of());
        }
        return temporary
                ? new MxResolution.Temporary(domain, DNS_TEMPFAIL,
                        "no MX for " + domain + " and its address lookup failed: " + String.join("; ", skipped))
                : new MxResolution.Permanent(domain, NO_SUCH_DOMAIN,
                        "domain " + domain + " has neither MX nor address records (MX-06)");
    }

    /** MX-09: hosts arrive sorted by preference; equal preferences are shuffled in place (Fisher-Yates). */
    static List<MxHost> shuffleEqualPreferences(List<MxHost> sorted, RandomGenerator random) {
        List<MxHost> out = new ArrayList<>(sorted);
        int start = 0;
        while (start < out.size()) {
            int end = start;
            while (end < out.size() && out.get(end).preference() == out.get(start).preference()) {
                end++;
            }
            for (int i = end - 1; i > start; i--) {
                int j = start + random.nextInt(i - start + 1);
                MxHost tmp = out.get(i);
                out.set(i, out.get(j));
                out.set(j, tmp);
            }
            start = end;
        }
        return out;
    }

    private static MxStep decided(MxResolution resolution) {
        return new MxStep.Decided(resolution);
    }
}
