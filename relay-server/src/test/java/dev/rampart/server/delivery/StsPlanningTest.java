package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.decide.StsFacts;
import dev.rampart.policy.decide.TlsRequirement;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.server.delivery.StsFixtures.ScriptedSts;
import dev.rampart.server.sts.StsOutcome;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The planner with a scripted MTA-STS lookup: the policy of the next-hop domain is looked up beside the
 * MX lookup and filters and authenticates every host (POL-01, rows 11 and 16–18), and a broken lookup
 * never fails a plan.
 */
class StsPlanningTest {
    private static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();
    private final ScriptedSts sts = new ScriptedSts();

    private static MxResolution insecureHosts(String domain, String... names) {
        return new MxResolution.Hosts(domain, Arrays.stream(names)
                .map(n -> new MxHost(n, 10, List.of(ADDRESS), DnssecStatus.INSECURE)).toList(),
                DnssecStatus.INSECURE, false, List.of());
    }

    private DestinationPlan plan(String domain, MxResolution resolution, MtaStsLookup lookup, PolicyMap map) {
        DestinationPlanner planner = new DestinationPlanner(d -> CompletableFuture.completedFuture(resolution),
                name -> CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.INSECURE, name)),
                lookup, map);
        return planner.plan(domain).join();
    }

    private DestinationPlan plan(String domain, MxResolution resolution) {
        return plan(domain, resolution, sts, PolicyMap.EMPTY);
    }

    @Test
    void enforceAuthenticatesListedHostsByPkixAndSkipsUnlistedOnesRows11And16Sts19() {
        sts.outcomes.put("x.example", StsFixtures.policy("x.example", "enforce", "mx1.x.example"));
        DestinationPlan plan = plan("x.example", insecureHosts("x.example", "mx1.x.example", "rogue.attacker.example"));

        assertThat(plan.sts().facts()).isInstanceOf(StsFacts.Applied.class);
        assertThat(plan.hosts().get(0).plan()).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
            assertThat(c.authentication()).isEqualTo(new Authentication.Pkix(List.of("mx1.x.example")));
            assertThat(c.serverName()).isEqualTo("mx1.x.example");
            assertThat(c.policy()).isEqualTo(AppliedPolicy.MTA_STS);
        });
        assertThat(plan.hosts().get(1).plan()).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.status()).isEqualTo("4.7.5");
            assertThat(s.policy()).isEqualTo(AppliedPolicy.MTA_STS);
            assertThat(s.reason()).contains("rogue.attacker.example", "not in the MTA-STS policy of x.example");
        });
        assertThat(plan.policyLabel(plan.hosts().get(1).plan())).isEqualTo("mta-sts");
    }

    @Test
    void aWildcardPatternAdmitsExactlyOneLabelSts17() {
        sts.outcomes.put("x.example", StsFixtures.policy("x.example", "enforce", "*.x.example"));
        DestinationPlan plan = plan("x.example", insecureHosts("x.example", "mx1.x.example", "a.b.x.example"));
        assertThat(plan.hosts().get(0).plan()).isInstanceOf(HostPlan.Connect.class);
        assertThat(plan.hosts().get(1).plan()).isInstanceOf(HostPlan.Skip.class);
    }

    @Test
    void testingDeliversOpportunisticallyWithAReportOnlyPkixAuditRow17Sts20() {
        sts.outcomes.put("x.example", StsFixtures.policy("x.example", "testing", "other.example"));
        DestinationPlan plan = plan("x.example", insecureHosts("x.example", "mx1.x.example"));
        assertThat(plan.hosts().getFirst().plan()).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
            assertThat(c.audit()).isEqualTo(new Authentication.Pkix(List.of("mx1.x.example")));
        });
    }

    @Test
    void aFailedFetchWithNothingCachedIsOpportunisticRow18Sts15() {
        sts.outcomes.put("x.example", StsFixtures.fetchFailed("x.example"));
        DestinationPlan plan = plan("x.example", insecureHosts("x.example", "mx1.x.example"));
        assertThat(plan.sts().lookup()).isInstanceOf(StsLookup.FetchFailed.class);
        assertThat(plan.hosts().getFirst().plan()).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
            assertThat(c.policy()).isEqualTo(AppliedPolicy.NONE);
        });
    }

    @Test
    void aLookupThatThrowsOrFailsIsNoPolicyAndNeverFailsThePlan() {
        MxResolution hosts = insecureHosts("x.example", "mx1.x.example");
        DestinationPlan thrown = plan("x.example", hosts, d -> {
            throw new IllegalStateException("cache closed");
        }, PolicyMap.EMPTY);
        DestinationPlan failed = plan("x.example", hosts,
                d -> CompletableFuture.failedFuture(new IllegalStateException("executor gone")), PolicyMap.EMPTY);
        for (DestinationPlan plan : List.of(thrown, failed)) {
            assertThat(plan.sts().facts()).isEqualTo(StsFacts.ABSENT);
            assertThat(plan.hosts().getFirst().plan()).isInstanceOfSatisfying(HostPlan.Connect.class,
                    c -> assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC));
        }
        assertThat(thrown.sts().txt().toString()).contains("MTA-STS lookup failed", "cache closed");
        assertThat(failed.sts().txt().toString()).contains("executor gone");
    }

    @Test
    void thePolicyDomainIsTheNextHopNeverItsParentSts05() {
        sts.outcomes.put("example.com", StsFixtures.policy("example.com", "enforce", "mx.example.com"));
        DestinationPlan plan = plan("mail.example.com", insecureHosts("mail.example.com", "rogue.example.net"));
        assertThat(sts.asked).containsExactly("mail.example.com");
        assertThat(plan.hosts().getFirst().plan()).isInstanceOf(HostPlan.Connect.class);
    }

    @Test
    void anAddressLiteralIsNeverLookedUpRow19() {
        MxResolution literal = new MxResolution.Hosts("[127.0.0.1]",
                List.of(new MxHost("[127.0.0.1]", 0, List.of(ADDRESS), DnssecStatus.SECURE)), DnssecStatus.SECURE,
                true, List.of());
        DestinationPlan plan = plan("[127.0.0.1]", literal);
        assertThat(sts.asked).isEmpty();
        assertThat(plan.sts().facts()).isEqualTo(StsFacts.ABSENT);
    }

    @Test
    void daneOnlyDestinationsAreNotLookedUpRows5To7() {
        sts.outcomes.put("x.example", StsFixtures.policy("x.example", "enforce", "other.example"));
        PolicyMap map = PolicyMap.parse("test", List.of("x.example dane-only"));
        DestinationPlan plan = plan("x.example", insecureHosts("x.example", "mx1.x.example"), sts, map);
        assertThat(sts.asked).isEmpty();
        assertThat(plan.sts().txt().toString()).contains("dane-only");
    }

    @Test
    void theStsLookupStartsBeforeTheMxAnswerArrivesPol01() {
        CompletableFuture<MxResolution> mxAnswer = new CompletableFuture<>();
        sts.outcomes.put("x.example", StsFixtures.policy("x.example", "enforce", "mx1.x.example"));
        DestinationPlanner planner = new DestinationPlanner(d -> mxAnswer,
                name -> CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.INSECURE, name)),
                sts, PolicyMap.EMPTY);
        CompletableFuture<DestinationPlan> plan = planner.plan("x.example");
        assertThat(sts.asked).containsExactly("x.example");
        assertThat(plan).isNotDone();
        mxAnswer.complete(insecureHosts("x.example", "mx1.x.example"));
        assertThat(plan.join().hosts().getFirst().plan()).isInstanceOfSatisfying(HostPlan.Connect.class,
                c -> assertThat(c.policy()).isEqualTo(AppliedPolicy.MTA_STS));
    }

    @Test
    void aPlanWaitsForAnStsLookupStillRunningRatherThanGoingOpportunistic() {
        CompletableFuture<StsOutcome> slow = new CompletableFuture<>();
        DestinationPlanner planner = new DestinationPlanner(
                d -> CompletableFuture.completedFuture(insecureHosts("x.example", "mx9.x.example")),
                name -> CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.INSECURE, name)),
                d -> slow, PolicyMap.EMPTY);
        CompletableFuture<DestinationPlan> plan = planner.plan("x.example");
        assertThat(plan).isNotDone();
        slow.complete(StsFixtures.policy("x.example", "enforce", "mx1.x.example"));
        assertThat(plan.join().hosts().getFirst().plan()).isInstanceOf(HostPlan.Skip.class);
    }
}
