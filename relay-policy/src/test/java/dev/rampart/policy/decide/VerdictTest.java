package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.NEXT_HOP;
import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.failure;
import static dev.rampart.policy.decide.DecideFixtures.noData;
import static dev.rampart.policy.decide.DecideFixtures.secureHost;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.dns.MxResolution;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The domain-level fold over per-host results (DANE-07 "next→defer", QUE-15), POL-07 and MX-10. */
class VerdictTest {
    private static final String MX1 = "mx1.example.com";
    private static final String MX2 = "mx2.example.com";

    private static HostPlan.Skip bogusSkip(String host) {
        return (HostPlan.Skip) PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, host,
                failure(FailureKind.BOGUS, "RRSIG expired")));
    }

    private static HostPlan.Skip servfailSkip(String host) {
        return (HostPlan.Skip) PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, host,
                failure(FailureKind.SERVFAIL, "upstream SERVFAIL")));
    }

    @Test
    void dane07_everyHostFailedUnderPolicyDefersWith475AndNamesEveryHost() {
        Verdict v = Verdict.of(List.of(new HostResult.Skipped(bogusSkip(MX1)),
                new HostResult.PolicyFailed(MX2, "no TLSA record matched: leaf SPKI sha256 ab12cd34")));
        assertThat(v).isEqualTo(new Verdict.Defer("4.7.5", "mx1.example.com: TLSA lookup bogus: RRSIG expired; "
                + "mx2.example.com: no TLSA record matched: leaf SPKI sha256 ab12cd34"));
    }

    @Test
    void networkFailureAmongPolicyFailuresDefersWithTheNetworkStatus_QUE15() {
        Verdict v = Verdict.of(List.of(new HostResult.PolicyFailed(MX1, "STARTTLS not offered"),
                new HostResult.Unreachable(MX2, "4.4.1", "connection refused")));
        assertThat(v).isInstanceOfSatisfying(Verdict.Defer.class, d -> {
            assertThat(d.status()).isEqualTo("4.4.1");
            assertThat(d.reason()).isEqualTo("mx1.example.com: STARTTLS not offered; mx2.example.com: connection refused");
        });
    }

    @Test
    void row10_failedTlsaLookupOnEveryHostDefersWith443() {
        Verdict v = Verdict.of(List.of(new HostResult.Skipped(servfailSkip(MX1)), new HostResult.Skipped(bogusSkip(MX2))));
        assertThat(v).isInstanceOfSatisfying(Verdict.Defer.class, d -> assertThat(d.status()).isEqualTo("4.4.3"));
    }

    @Test
    void lastNonPolicyStatusWins() {
        Verdict v = Verdict.of(List.of(new HostResult.Unreachable(MX1, "4.4.1", "timeout"),
                new HostResult.Unreachable(MX2, "4.4.2", "connection dropped")));
        assertThat(v).isInstanceOfSatisfying(Verdict.Defer.class, d -> assertThat(d.status()).isEqualTo("4.4.2"));
    }

    @Test
    void firstTransactedHostIsTheVerdict() {
        assertThat(Verdict.of(List.of(new HostResult.Unreachable(MX1, "4.4.1", "timeout"), new HostResult.Transacted(MX2))))
                .isEqualTo(new Verdict.DeliveredVia(1, MX2));
        assertThat(Verdict.of(List.of(new HostResult.Transacted(MX1)))).isEqualTo(new Verdict.DeliveredVia(0, MX1));
    }

    @Test
    void noHostTriedDefers() {
        assertThat(Verdict.of(List.of())).isInstanceOf(Verdict.Defer.class);
    }

    /**
     * POL-07 (MTA-STS part pending): mx1 with usable TLSA, mx2 without. Each host gets its own plan: mx1
     * DANE only, mx2 opportunistic. When mx1's DANE check fails, mx2 takes the mail; when both fail, defer.
     */
    @Test
    void pol07_perHostDecisions() {
        HostPlan p1 = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX1, tlsa(SECURE, daneEe(1))));
        HostPlan p2 = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX2, noData(SECURE)));
        assertThat(p1).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
            assertThat(c.authentication()).isInstanceOf(Authentication.Dane.class);
        });
        assertThat(p2).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
            assertThat(c.authentication()).isEqualTo(Authentication.NONE);
        });
        HostResult mx1Failed = new HostResult.PolicyFailed(MX1, "no TLSA record matched: leaf SPKI sha256 0011aabb");
        assertThat(Verdict.of(List.of(mx1Failed, new HostResult.Transacted(MX2)))).isEqualTo(new Verdict.DeliveredVia(1, MX2));
        assertThat(Verdict.of(List.of(mx1Failed, new HostResult.PolicyFailed(MX2, "STARTTLS handshake failed"))))
                .isInstanceOfSatisfying(Verdict.Defer.class, d -> assertThat(d.status()).isEqualTo("4.7.5"));
    }

    /**
     * MX-10: preference beats security. The better MX has no DANE (insecure address), the worse one has
     * usable TLSA; the planner keeps preference order and the plans do not reorder anything.
     */
    @Test
    void mx10_preferenceBeatsSecurity() {
        MxStep step = MxPlanner.afterMx(NEXT_HOP, new DnsResult.Records<>(
                List.of(new MxRecord(20, MX2), new MxRecord(10, MX1)), SECURE, NEXT_HOP, Duration.ofHours(1)),
                LocalIdentity.of(List.of("relay.ours.test"), List.of()));
        MxResolution resolution = MxPlanner.finish((MxStep.ResolveHosts) step, Map.of(
                MX1, addresses(INSECURE, "192.0.2.1"), MX2, addresses(SECURE, "192.0.2.2")),
                LocalIdentity.of(List.of("relay.ours.test"), List.of()), new SplittableRandom(1));
        DomainPlan domainPlan = PolicyDecider.decideDomain(resolution, NEXT_HOP, ManualPolicy.DANE, StsFacts.ABSENT);
        assertThat(domainPlan).isInstanceOf(DomainPlan.TryHosts.class);
        DomainPlan.TryHosts tryHosts = (DomainPlan.TryHosts) domainPlan;
        assertThat(tryHosts.hosts()).extracting(MxHost::name).containsExactly(MX1, MX2);

        List<HostPlan> plans = new ArrayList<>();
        for (MxHost h : tryHosts.hosts()) {
            HostAddressFacts a = HostAddressFacts.direct(h.name(), h.addressStatus());
            TlsaFacts t = TlsaBase.choose(tryHosts.facts(), a, Map.of(h.name(), tlsa(SECURE, daneEe(9))));
            plans.add(PolicyDecider.decideHost(new HostFacts(tryHosts.facts(), a, t)));
        }
        assertThat(plans).extracting(HostPlan::hostName).containsExactly(MX1, MX2);
        assertThat(((HostPlan.Connect) plans.get(0)).requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(((HostPlan.Connect) plans.get(1)).requirement()).isEqualTo(TlsRequirement.REQUIRED);
    }

    private static DnsResult<InetAddress> addresses(DnssecStatus status, String ip) {
        return new DnsResult.Records<>(List.of(PolicyDeciderTest.ip(ip)), status, ip, Duration.ofHours(1));
    }
}
