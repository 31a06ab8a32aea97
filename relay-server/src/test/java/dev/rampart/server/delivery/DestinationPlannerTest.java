package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.decide.TlsRequirement;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The lookups around {@code policy.decide}: which TLSA names are asked, and what a broken lookup becomes. */
class DestinationPlannerTest {
    private static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    private DestinationPlan plan(MxResolution resolution, TlsaLookup tlsa) {
        DestinationPlanner planner = new DestinationPlanner(d -> CompletableFuture.completedFuture(resolution),
                name -> {
                    asked.add(name);
                    return tlsa.tlsa(name);
                }, PolicyMap.EMPTY);
        return planner.plan("x.example").join();
    }

    private static MxResolution hosts(DnssecStatus mxStatus, String... names) {
        return new MxResolution.Hosts("x.example", Arrays.stream(names)
                .map(n -> new MxHost(n, 10, List.of(ADDRESS), DnssecStatus.SECURE)).toList(), mxStatus, false, List.of());
    }

    @Test
    void manualLevelsThatReplaceDiscoveryAskNoTlsaQuestion_POL10() {
        for (String level : List.of("none", "may", "encrypt", "secure")) {
            asked.clear();
            DestinationPlanner planner = new DestinationPlanner(
                    d -> CompletableFuture.completedFuture(hosts(DnssecStatus.SECURE, "mx1.x.example")),
                    name -> {
                        asked.add(name);
                        return CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.SECURE, name));
                    }, PolicyMap.parse("map", List.of("x.example " + level)));
            DestinationPlan plan = planner.plan("x.example").join();
            assertThat(asked).as(level).isEmpty();
            assertThat(plan.hosts().getFirst().tlsa()).isInstanceOf(TlsaFacts.NotQueried.class);
            assertThat(plan.policyLabel(plan.hosts().getFirst().plan())).isEqualTo("manual");
        }
    }

    @Test
    void everySecureHostIsAskedAtPort25InMxOrderDane01() {
        DestinationPlan plan = plan(hosts(DnssecStatus.SECURE, "mx1.x.example", "mx2.x.example"),
                name -> CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.SECURE, name)));
        assertThat(asked).containsExactlyInAnyOrder("_25._tcp.mx1.x.example", "_25._tcp.mx2.x.example");
        assertThat(plan.hosts()).extracting(h -> h.host().name()).containsExactly("mx1.x.example", "mx2.x.example");
        assertThat(plan.hosts()).allSatisfy(h -> assertThat(h.plan()).isInstanceOfSatisfying(HostPlan.Connect.class,
                c -> assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC)));
    }

    @Test
    void aTlsaLookupThatThrowsOrFailsSkipsTheHostNeverOpportunisticDane05() {
        DestinationPlan thrown = plan(hosts(DnssecStatus.SECURE, "mx1.x.example"), name -> {
            throw new IllegalStateException("resolver closed");
        });
        assertThat(thrown.hosts().getFirst().plan()).isInstanceOfSatisfying(HostPlan.Skip.class,
                s -> assertThat(s.reason()).contains("TLSA lookup failed", "resolver closed"));
        DestinationPlan failed = plan(hosts(DnssecStatus.SECURE, "mx1.x.example"),
                name -> CompletableFuture.failedFuture(new IllegalStateException("timeout")));
        assertThat(failed.hosts().getFirst().plan()).isInstanceOf(HostPlan.Skip.class);
    }

    @Test
    void insecureMxAsksNothingAndSaysWhyDane01() {
        DestinationPlan plan = plan(hosts(DnssecStatus.INSECURE, "mx1.x.example"),
                name -> CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.SECURE, name)));
        assertThat(asked).isEmpty();
        assertThat(plan.hosts().getFirst().tlsa()).isInstanceOfSatisfying(TlsaFacts.NotQueried.class,
                n -> assertThat(n.reason()).contains("MX RRset of x.example is insecure"));
    }

    @Test
    void anAddressLiteralFollowsItsPolicyMapEntryInAnySpelling_row19() {
        MxResolution literal = new MxResolution.Hosts("[127.0.0.1]",
                List.of(new MxHost("[127.0.0.1]", 0, List.of(ADDRESS), DnssecStatus.INSECURE)), DnssecStatus.INSECURE,
                true, List.of());
        DestinationPlanner planner = new DestinationPlanner(d -> CompletableFuture.completedFuture(literal),
                name -> CompletableFuture.failedFuture(new AssertionError("no TLSA for a literal")),
                PolicyMap.parse("map", List.of("[127.000.0.1] encrypt")));
        DestinationPlan plan = planner.plan("[127.0.0.1]").join();
        assertThat(plan.hosts().getFirst().plan()).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
            assertThat(c.why()).contains("row 19").contains("encrypt");
        });
        assertThat(plan.policyLabel(plan.hosts().getFirst().plan())).isEqualTo("manual");
    }

    @Test
    void anAddressLiteralGetsNoTlsaQuestionMx02() {
        MxResolution literal = new MxResolution.Hosts("[127.0.0.1]",
                List.of(new MxHost("[127.0.0.1]", 0, List.of(ADDRESS), DnssecStatus.SECURE)), DnssecStatus.SECURE,
                true, List.of());
        DestinationPlan plan = plan(literal, name -> CompletableFuture.completedFuture(
                new DnsResult.Records<TlsaRecord>(List.of(), DnssecStatus.SECURE, name, Duration.ZERO)));
        assertThat(asked).isEmpty();
        assertThat(plan.hosts().getFirst().plan()).isInstanceOf(HostPlan.Connect.class);
    }

    @Test
    void aFailingMxLookupBecomesADeferralNotAnException() {
        DestinationPlanner planner = new DestinationPlanner(d -> CompletableFuture.failedFuture(new IllegalStateException("boom")),
                name -> CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.SECURE, name)),
                PolicyMap.EMPTY);
        DestinationPlan plan = planner.plan("x.example").join();
        assertThat(plan.domainPlan()).isInstanceOfSatisfying(DomainPlan.Defer.class,
                d -> assertThat(d.status()).isEqualTo("4.4.3"));
    }
}
