package dev.rampart.server.admin;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostFacts;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.PolicyDecider;
import dev.rampart.policy.decide.TlsaBase;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsPolicy;
import dev.rampart.policy.sts.StsRecord;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.sts.StsOutcome;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Destination plans with an MTA-STS outcome, decided by the real {@link PolicyDecider} the way the
 * delivery planner does (decideDomain with the STS facts, then per host the TLSA choice and decideHost),
 * for explain tests that must not wait for the planner to look MTA-STS up itself.
 */
public final class StsPlans {
    public static final Instant FETCHED = Instant.parse("2026-11-22T08:00:00Z");

    private StsPlans() {}

    /** An MX host on a documentation address. */
    public static MxHost host(String name, int preference, DnssecStatus status) {
        try {
            return new MxHost(name, preference, List.of(InetAddress.getByAddress(name, new byte[] {(byte) 192, 0, 2,
                    (byte) (preference % 250 + 1)})), status);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TXT id and a policy that applies, from the cache or a fetch. */
    public static StsOutcome applied(String domain, String id, StsLookup.Source source, String mode, long maxAge,
                                     String... mx) {
        StsFetchResult.Fetched f = (StsFetchResult.Fetched) StsFixture.policy(mode, maxAge, mx);
        StsPolicy policy = f.policy();
        StsCacheEntry entry = new StsCacheEntry(domain, id, policy, f.rawText(), FETCHED,
                FETCHED.plusSeconds(maxAge / 2));
        String reason = source == StsLookup.Source.CACHE ? "TXT id " + id + " matches the cache"
                : "fetched policy id " + id;
        return new StsOutcome(domain, new StsRecordResult.Found(new StsRecord(id)),
                new StsLookup.Applied(entry, source, reason));
    }

    /** Plans {@code domain} over these MX hosts; TLSA answers by query name, NODATA otherwise. */
    public static DestinationPlan plan(String domain, DnssecStatus mxStatus, List<MxHost> hosts,
                                       Map<String, DnsResult<TlsaRecord>> tlsa, StsOutcome sts) {
        MxResolution.Hosts resolution = new MxResolution.Hosts(domain, hosts, mxStatus, false, List.of());
        DomainPlan domainPlan = PolicyDecider.decideDomain(resolution, domain, ManualPolicy.DANE, sts.facts());
        if (!(domainPlan instanceof DomainPlan.TryHosts tryHosts)) {
            return new DestinationPlan(domain, ManualPolicy.DANE, resolution, domainPlan, List.of(), sts);
        }
        List<DestinationPlan.PlannedHost> planned = new ArrayList<>();
        for (MxHost h : tryHosts.hosts()) {
            HostAddressFacts address = HostAddressFacts.direct(h.name(), h.addressStatus());
            List<String> bases = TlsaBase.candidates(tryHosts.facts(), address);
            List<String> names = TlsaBase.queryNames(tryHosts.facts(), address, TlsaBase.SMTP_PORT);
            Map<String, DnsResult<TlsaRecord>> byBase = new LinkedHashMap<>();
            for (int i = 0; i < bases.size(); i++) {
                String name = names.get(i);
                byBase.put(bases.get(i), tlsa.getOrDefault(name, new DnsResult.NoData<>(DnssecStatus.SECURE, name)));
            }
            TlsaFacts facts = TlsaBase.choose(tryHosts.facts(), address, byBase);
            planned.add(new DestinationPlan.PlannedHost(h, address, names, facts,
                    PolicyDecider.decideHost(new HostFacts(tryHosts.facts(), address, facts))));
        }
        return new DestinationPlan(domain, ManualPolicy.DANE, resolution, domainPlan, planned, sts);
    }
}
