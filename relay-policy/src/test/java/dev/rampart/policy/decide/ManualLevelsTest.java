package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.NEXT_HOP;
import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.failure;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.dns.DnssecStatus.BOGUS;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance §7 rows 1–4 (manual levels none, may, encrypt, secure) and row 19 (address literal with a
 * manual entry) as tests of {@link PolicyDecider} alone (POL-10, POL-05, QUE-17): the level alone decides,
 * whatever DANE or MTA-STS would say, and nothing is recorded for TLS-RPT.
 */
class ManualLevelsTest {
    private static final String MX = "mx.example.com";
    private static final ManualPolicy SECURE_DEFAULT = new ManualPolicy.Secure(List.of());

    private static final StsFacts ENFORCE_ELSEWHERE = new StsFacts.Applied(new StsPolicy("STSv1", StsMode.ENFORCE,
            604800, List.of("mx.elsewhere.example"), List.of("version: STSv1", "mode: enforce",
            "mx: mx.elsewhere.example", "max_age: 604800")), NEXT_HOP);

    private static DomainFacts domain(ManualPolicy manual, DnssecStatus mx, StsFacts sts) {
        return new DomainFacts(NEXT_HOP, NEXT_HOP, manual, mx, false, sts);
    }

    /**
     * Discovery facts that would otherwise decide hard: usable TLSA (row 12, DANE only) and an MTA-STS
     * enforce policy that does not list the host (row 11, skip). A manual level ignores both.
     */
    private static HostFacts loudFacts(ManualPolicy manual) {
        return new HostFacts(domain(manual, SECURE, ENFORCE_ELSEWHERE), HostAddressFacts.direct(MX, SECURE),
                new TlsaFacts.Answer(MX, tlsa(SECURE, daneEe(1))));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("row 1", ManualPolicy.NONE, TlsRequirement.NO_STARTTLS, Authentication.NONE),
                Arguments.of("row 2", ManualPolicy.MAY, TlsRequirement.OPPORTUNISTIC, Authentication.NONE),
                Arguments.of("row 3", ManualPolicy.ENCRYPT, TlsRequirement.REQUIRED, Authentication.NONE),
                Arguments.of("row 4", SECURE_DEFAULT, TlsRequirement.REQUIRED,
                        new Authentication.Pkix(List.of(MX, NEXT_HOP))),
                Arguments.of("row 4", new ManualPolicy.Secure(List.of("smtp.example.org", "backup.example.org")),
                        TlsRequirement.REQUIRED, new Authentication.Pkix(List.of("smtp.example.org", "backup.example.org"))));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rows")
    void rows1to4_POL10_levelAloneDecidesIgnoringDaneAndMtaSts(String row, ManualPolicy level,
                                                                TlsRequirement requirement, Authentication auth) {
        HostPlan plan = PolicyDecider.decideHost(loudFacts(level));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(requirement);
            assertThat(c.authentication()).isEqualTo(auth);
            assertThat(c.serverName()).as("SNI = MX host name").isEqualTo(MX);
            assertThat(c.tlsaBase()).as("DANE does not apply").isEmpty();
            assertThat(c.allTlsa()).isEmpty();
            assertThat(c.audit()).isEqualTo(Authentication.NONE);
            assertThat(c.policy()).isEqualTo(AppliedPolicy.MANUAL);
            assertThat(c.policy().logName()).isEqualTo("manual");
            assertThat(c.why()).contains(row).contains("POL-10");
            assertThat(c.tlsRpt()).as("POL-10: not recorded for TLS-RPT").isInstanceOf(TlsRptRecording.NotRecorded.class);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void rows1to4_sameDecisionWithInsecureMxAndNoTlsaQuestion(String row, ManualPolicy level,
                                                              TlsRequirement requirement, Authentication auth) {
        HostFacts facts = new HostFacts(domain(level, INSECURE, StsFacts.ABSENT), HostAddressFacts.direct(MX, INSECURE),
                new TlsaFacts.NotQueried("manual level: no TLSA lookup"));
        HostPlan plan = PolicyDecider.decideHost(facts);
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(requirement);
            assertThat(c.authentication()).isEqualTo(auth);
        });
    }

    @Test
    void row3_row4_POL05_tlsRequiredNeverAllowsPlaintext() {
        for (ManualPolicy level : List.of(ManualPolicy.ENCRYPT, SECURE_DEFAULT)) {
            HostPlan.Connect c = (HostPlan.Connect) PolicyDecider.decideHost(loudFacts(level));
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
        }
    }

    @Test
    void row1_onlyTheNoneLevelEverSuppressesStartTls() {
        for (ManualPolicy level : List.of(ManualPolicy.DANE, ManualPolicy.DANE_ONLY, ManualPolicy.MAY,
                ManualPolicy.ENCRYPT, SECURE_DEFAULT)) {
            HostPlan plan = PolicyDecider.decideHost(loudFacts(level));
            if (plan instanceof HostPlan.Connect c) {
                assertThat(c.requirement()).as(level.describe()).isNotEqualTo(TlsRequirement.NO_STARTTLS);
            }
        }
    }

    @Test
    void row4_secureWithImplicitMxChecksTheDomainNameOnce() {
        DomainFacts d = new DomainFacts(NEXT_HOP, NEXT_HOP, SECURE_DEFAULT, INSECURE, true, StsFacts.ABSENT);
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(d, HostAddressFacts.direct(NEXT_HOP, INSECURE),
                new TlsaFacts.NotQueried("manual")));
        assertThat(((HostPlan.Connect) plan).authentication()).isEqualTo(new Authentication.Pkix(List.of(NEXT_HOP)));
    }

    @Test
    void dns02_bogusAddressStillSkipsTheHostUnderAManualLevelButIsNotRecorded() {
        HostFacts facts = new HostFacts(domain(ManualPolicy.ENCRYPT, SECURE, StsFacts.ABSENT),
                HostAddressFacts.direct(MX, BOGUS), new TlsaFacts.NotQueried("manual"));
        assertThat(PolicyDecider.decideHost(facts)).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.status()).isEqualTo(PolicyDecider.DNS_TEMPFAIL);
            assertThat(s.tlsRpt()).isInstanceOf(TlsRptRecording.NotRecorded.class);
        });
    }

    @Test
    void manualLevelIgnoresAFailedTlsaLookupThatWouldSkipTheHost() {
        HostFacts facts = new HostFacts(domain(ManualPolicy.MAY, SECURE, StsFacts.ABSENT),
                HostAddressFacts.direct(MX, SECURE), new TlsaFacts.Answer(MX, failure(FailureKind.SERVFAIL, "boom")));
        assertThat(PolicyDecider.decideHost(facts)).isInstanceOf(HostPlan.Connect.class);
    }

    @ParameterizedTest
    @EnumSource(value = DnssecStatus.class, names = {"SECURE", "INSECURE"})
    void domainLevel_manualLevelsNeverDeferTheDomainLikeDaneOnly(DnssecStatus mx) {
        MxResolution hosts = new MxResolution.Hosts(NEXT_HOP, List.of(PolicyDeciderTest.mxHost(MX, 10, SECURE)), mx,
                false, List.of());
        for (ManualPolicy level : List.of(ManualPolicy.NONE, ManualPolicy.MAY, ManualPolicy.ENCRYPT, SECURE_DEFAULT)) {
            assertThat(PolicyDecider.decideDomain(hosts, NEXT_HOP, level, StsFacts.ABSENT))
                    .isInstanceOf(DomainPlan.TryHosts.class);
        }
    }

    // ---- row 19 ------------------------------------------------------------------------------------

    private static HostPlan literal(ManualPolicy level) {
        String literal = "[192.0.2.25]";
        DomainFacts d = new DomainFacts(literal, literal, level, INSECURE, true, StsFacts.ABSENT);
        return PolicyDecider.decideHost(new HostFacts(d, HostAddressFacts.direct(literal, INSECURE),
                new TlsaFacts.NotQueried("address literal")));
    }

    static Stream<Arguments> literalRows() {
        return Stream.of(
                Arguments.of(ManualPolicy.DANE, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, AppliedPolicy.NONE),
                Arguments.of(ManualPolicy.NONE, TlsRequirement.NO_STARTTLS, Authentication.NONE, AppliedPolicy.MANUAL),
                Arguments.of(ManualPolicy.MAY, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, AppliedPolicy.MANUAL),
                Arguments.of(ManualPolicy.ENCRYPT, TlsRequirement.REQUIRED, Authentication.NONE, AppliedPolicy.MANUAL),
                Arguments.of(new ManualPolicy.Secure(List.of("relay.example.net")), TlsRequirement.REQUIRED,
                        new Authentication.Pkix(List.of("relay.example.net")), AppliedPolicy.MANUAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("literalRows")
    void row19_mx02_addressLiteralFollowsItsManualEntryElseOpportunistic(ManualPolicy level, TlsRequirement requirement,
                                                                       Authentication auth, AppliedPolicy policy) {
        assertThat(literal(level)).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(requirement);
            assertThat(c.authentication()).isEqualTo(auth);
            assertThat(c.policy()).isEqualTo(policy);
            assertThat(c.sni()).as("RFC 6066: no SNI for an address").isEmpty();
            assertThat(c.why()).contains("row 19");
            assertThat(c.tlsRpt()).isInstanceOf(TlsRptRecording.NotRecorded.class);
        });
    }

    @Test
    void row19_secureLiteralWithoutNamesIsSkippedNotCrashed() {
        assertThat(literal(SECURE_DEFAULT)).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.status()).isEqualTo(PolicyDecider.POLICY_STATUS);
            assertThat(s.policy()).isEqualTo(AppliedPolicy.MANUAL);
        });
    }
}
