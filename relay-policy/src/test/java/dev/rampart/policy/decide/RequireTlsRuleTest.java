package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.NEXT_HOP;
import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.noData;
import static dev.rampart.policy.decide.DecideFixtures.pkixEe;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row 21 of conformance §7 (POL-09, QUE-18, RFC 8689 §4.2.1): which host plans a REQUIRETLS message may
 * use, and when it bounces with 5.7.30 or 5.7.10. Pure functions over plans built by the real decider.
 */
class RequireTlsRuleTest {
    private static final String MX = "mx.example.com";

    private static StsFacts sts(StsMode mode) {
        return new StsFacts.Applied(new StsPolicy("STSv1", mode, 604800, List.of(MX),
                List.of("version: STSv1", "mode: " + mode.token(), "mx: " + MX, "max_age: 604800")), NEXT_HOP);
    }

    private static HostPlan plan(ManualPolicy manual, DnssecStatus mx, StsFacts sts, DnsResult<TlsaRecord> answer) {
        DomainFacts d = new DomainFacts(NEXT_HOP, NEXT_HOP, manual, mx, false, sts);
        TlsaFacts t = mx == SECURE ? new TlsaFacts.Answer(MX, answer) : new TlsaFacts.NotQueried("MX insecure");
        return PolicyDecider.decideHost(new HostFacts(d, HostAddressFacts.direct(MX, mx), t));
    }

    static Stream<Arguments> eligible() {
        return Stream.of(
                Arguments.of("row 12: usable TLSA, DANE", plan(ManualPolicy.DANE, SECURE, StsFacts.ABSENT, tlsa(SECURE, daneEe(1))), SECURE),
                Arguments.of("row 6: dane-only with usable TLSA", plan(ManualPolicy.DANE_ONLY, SECURE, StsFacts.ABSENT, tlsa(SECURE, daneEe(1))), SECURE),
                Arguments.of("row 16: STS enforce match, insecure MX", plan(ManualPolicy.DANE, INSECURE, sts(StsMode.ENFORCE), noData(SECURE)), INSECURE),
                Arguments.of("row 14: all-unusable TLSA + STS enforce", plan(ManualPolicy.DANE, SECURE, sts(StsMode.ENFORCE), tlsa(SECURE, pkixEe(1))), SECURE),
                Arguments.of("row 4: secure with a secure MX RRset", plan(new ManualPolicy.Secure(List.of()), SECURE, StsFacts.ABSENT, noData(SECURE)), SECURE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eligible")
    void row21_POL09_authenticatedPathsProceed(String what, HostPlan plan, DnssecStatus mx) {
        assertThat(plan).isInstanceOf(HostPlan.Connect.class);
        assertThat(RequireTlsRule.forHost(plan, mx == SECURE))
                .isInstanceOfSatisfying(RequireTlsRule.HostDemand.Proceed.class, p -> {
                    assertThat(p.plan()).isSameAs(plan);
                    assertThat(((HostPlan.Connect) plan).requirement()).isEqualTo(TlsRequirement.REQUIRED);
                    assertThat(p.why()).contains("row 21");
                });
    }

    static Stream<Arguments> ineligible() {
        return Stream.of(
                Arguments.of("row 18: opportunistic, no policy", plan(ManualPolicy.DANE, SECURE, StsFacts.ABSENT, noData(SECURE)), SECURE),
                Arguments.of("row 13: TLSA all unusable, unauthenticated", plan(ManualPolicy.DANE, SECURE, StsFacts.ABSENT, tlsa(SECURE, pkixEe(1))), SECURE),
                Arguments.of("row 17: STS testing is not enough", plan(ManualPolicy.DANE, INSECURE, sts(StsMode.TESTING), noData(SECURE)), INSECURE),
                Arguments.of("row 15: STS testing audit only", plan(ManualPolicy.DANE, SECURE, sts(StsMode.TESTING), tlsa(SECURE, pkixEe(1))), SECURE),
                Arguments.of("row 1: none", plan(ManualPolicy.NONE, SECURE, StsFacts.ABSENT, noData(SECURE)), SECURE),
                Arguments.of("row 2: may", plan(ManualPolicy.MAY, SECURE, StsFacts.ABSENT, noData(SECURE)), SECURE),
                Arguments.of("row 3: encrypt", plan(ManualPolicy.ENCRYPT, SECURE, StsFacts.ABSENT, noData(SECURE)), SECURE),
                Arguments.of("row 4: secure under an insecure MX RRset", plan(new ManualPolicy.Secure(List.of()), INSECURE, StsFacts.ABSENT, noData(SECURE)), INSECURE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ineligible")
    void row21_POL09_unauthenticatedOrUnvouchedPathsAreRefusedWith5710(String what, HostPlan plan, DnssecStatus mx) {
        assertThat(RequireTlsRule.forHost(plan, mx == SECURE))
                .isInstanceOfSatisfying(RequireTlsRule.HostDemand.Refuse.class, r -> {
                    assertThat(r.hostName()).isEqualTo(MX);
                    assertThat(r.status()).isEqualTo("5.7.10");
                    assertThat(r.reason()).contains("REQUIRETLS").contains("row 21");
                });
    }

    @Test
    void row21_aSkippedHostStaysSkipped() {
        HostPlan skip = plan(ManualPolicy.DANE_ONLY, SECURE, StsFacts.ABSENT, noData(SECURE));
        assertThat(skip).isInstanceOf(HostPlan.Skip.class);
        assertThat(RequireTlsRule.forHost(skip, true)).isInstanceOf(RequireTlsRule.HostDemand.AlreadySkipped.class);
    }

    @Test
    void que18_bouncesWith5730WhenAnyHostLackedTheExtensionAndEveryHostRefused() {
        List<HostResult> results = List.of(
                new HostResult.RequireTlsRefused("mx1.example.com", "5.7.10", "no authenticated TLS path"),
                new HostResult.RequireTlsRefused("mx2.example.com", "5.7.30", "REQUIRETLS not announced"));
        assertThat(RequireTlsRule.bounce(results)).hasValueSatisfying(b -> {
            assertThat(b.status()).isEqualTo("5.7.30");
            assertThat(b.reason()).contains("mx1.example.com: no authenticated TLS path")
                    .contains("mx2.example.com: REQUIRETLS not announced");
        });
    }

    @Test
    void que18_bouncesWith5710WhenNoHostHadAnAuthenticatedPath() {
        List<HostResult> results = List.of(new HostResult.RequireTlsRefused("mx1.example.com", "5.7.10", "x"));
        assertThat(RequireTlsRule.bounce(results)).hasValueSatisfying(b -> assertThat(b.status()).isEqualTo("5.7.10"));
    }

    @Test
    void que15_aTransientFailureAnywhereDefersInsteadOfBouncing() {
        assertThat(RequireTlsRule.bounce(List.of(
                new HostResult.RequireTlsRefused("mx1.example.com", "5.7.30", "x"),
                new HostResult.Unreachable("mx2.example.com", "4.4.1", "connection refused")))).isEmpty();
        assertThat(RequireTlsRule.bounce(List.of(
                new HostResult.RequireTlsRefused("mx1.example.com", "5.7.30", "x"),
                new HostResult.PolicyFailed("mx2.example.com", "no TLSA record matched")))).isEmpty();
        assertThat(RequireTlsRule.bounce(List.of())).isEmpty();
        assertThat(RequireTlsRule.bounce(List.of(new HostResult.Transacted("mx1.example.com")))).isEmpty();
    }
}
