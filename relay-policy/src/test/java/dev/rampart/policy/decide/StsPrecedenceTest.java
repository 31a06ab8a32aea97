package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.NEXT_HOP;
import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.failure;
import static dev.rampart.policy.decide.DecideFixtures.noData;
import static dev.rampart.policy.decide.DecideFixtures.pkixEe;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Conformance §7 rows 11 and 14–18 and POL-01..POL-04, POL-07, STS-19..STS-21: DANE and MTA-STS together. */
class StsPrecedenceTest {
    private static final String MX1 = "mx1.example.com";
    private static final String MX2 = "mx2.example.com";
    private static final String OTHER = "mx.elsewhere.example.net";

    private static StsPolicy policy(StsMode mode) {
        List<String> mx = mode == StsMode.NONE ? List.of() : List.of(MX1, MX2);
        List<String> lines = new java.util.ArrayList<>(List.of("version: STSv1", "mode: " + mode.token()));
        mx.forEach(m -> lines.add("mx: " + m));
        lines.add("max_age: 604800");
        return new StsPolicy("STSv1", mode, 604800, mx, lines);
    }

    private static StsFacts sts(StsMode mode) {
        return new StsFacts.Applied(policy(mode), NEXT_HOP);
    }

    private static DomainFacts domain(DnssecStatus mx, StsFacts sts) {
        return new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE, mx, false, sts);
    }

    /** A host under a secure MX whose TLSA answer (base = host) is {@code answer}. */
    private static HostFacts secure(String host, StsFacts sts, DnsResult<TlsaRecord> answer) {
        return new HostFacts(domain(SECURE, sts), HostAddressFacts.direct(host, SECURE), new TlsaFacts.Answer(host, answer));
    }

    /** A host under an insecure MX: no TLSA question (DANE-01). */
    private static HostFacts insecure(String host, StsFacts sts) {
        return new HostFacts(domain(INSECURE, sts), HostAddressFacts.direct(host, SECURE),
                new TlsaFacts.NotQueried("MX RRset insecure"));
    }

    private static TlsRptRecording.Recorded stsEntry(StsMode mode, TlsRptFailure... failures) {
        return new TlsRptRecording.Recorded(TlsRptPolicy.sts(policy(mode), NEXT_HOP), List.of(failures));
    }

    private static HostPlan.Connect connect(HostPlan plan) {
        assertThat(plan).isInstanceOf(HostPlan.Connect.class);
        return (HostPlan.Connect) plan;
    }

    // ---- row 11 ------------------------------------------------------------------------------------

    @Test
    void row11_sts19_enforceHostNotInMxIsNotContactedEvenWithUsableTlsa() {
        for (HostFacts facts : List.of(secure(OTHER, sts(StsMode.ENFORCE), tlsa(SECURE, daneEe(1))),
                insecure(OTHER, sts(StsMode.ENFORCE)))) {
            HostPlan plan = PolicyDecider.decideHost(facts);
            assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
                assertThat(s.status()).isEqualTo("4.7.5");
                assertThat(s.policy()).isEqualTo(AppliedPolicy.MTA_STS);
                assertThat(s.reason()).contains(OTHER).contains("not in the MTA-STS policy");
                assertThat(s.why()).contains("row 11").contains("QUE-16");
                assertThat(s.tlsRpt()).isEqualTo(stsEntry(StsMode.ENFORCE,
                        new TlsRptFailure(TlsRptResultType.VALIDATION_FAILURE, "mx-not-in-sts-policy")));
            });
        }
    }

    // ---- row 12, POL-02, POL-03 ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(StsMode.class)
    void row12_pol02_pol03_usableTlsaWinsOverStsWhateverItsMode(StsMode mode) {
        TlsaRecord ee = daneEe(7);
        HostPlan.Connect c = connect(PolicyDecider.decideHost(secure(MX1, sts(mode), tlsa(SECURE, ee))));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
        assertThat(c.authentication()).isInstanceOf(Authentication.Dane.class);
        assertThat(c.audit()).isEqualTo(Authentication.NONE);
        assertThat(c.policy()).isEqualTo(AppliedPolicy.DANE);
        assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Recorded(TlsRptPolicy.tlsa(MX1, List.of(ee), MX1), List.of()));
    }

    @Test
    void row12_pol02_daneValidAndStsEnforceMatchIsDecidedByDane() {
        HostPlan.Connect c = connect(PolicyDecider.decideHost(secure(MX1, sts(StsMode.ENFORCE), tlsa(SECURE, daneEe(2)))));
        assertThat(c.authentication()).isInstanceOf(Authentication.Dane.class);
        assertThat(c.usableTlsa()).containsExactly(daneEe(2));
        assertThat(c.why()).contains("row 12").contains("no PKIX or MTA-STS fallback");
    }

    // ---- POL-04 ------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void pol04_row10_tlsaLookupFailureSkipsTheHostEvenUnderEnforce(FailureKind kind) {
        HostPlan plan = PolicyDecider.decideHost(secure(MX1, sts(StsMode.ENFORCE), failure(kind, "lookup failed")));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.policy()).isEqualTo(AppliedPolicy.DANE);
            assertThat(s.why()).contains("row " + (kind == FailureKind.BOGUS ? "9" : "10"));
        });
    }

    // ---- rows 14, 15 -------------------------------------------------------------------------------

    @Test
    void row14_sts18_allUnusableTlsaAndEnforceMatchRequirePkixAndRecordStsAndTlsa() {
        TlsaRecord unusable = pkixEe(3);
        HostPlan.Connect c = connect(PolicyDecider.decideHost(secure(MX1, sts(StsMode.ENFORCE), tlsa(SECURE, unusable))));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
        assertThat(c.authentication()).isEqualTo(new Authentication.Pkix(List.of(MX1)));
        assertThat(c.referenceIds()).containsExactly(MX1);
        assertThat(c.sni()).contains(MX1);
        assertThat(c.audit()).isEqualTo(Authentication.NONE);
        assertThat(c.policy()).isEqualTo(AppliedPolicy.MTA_STS);
        assertThat(c.policy().logName()).isEqualTo("mta-sts");
        assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Each(List.of(stsEntry(StsMode.ENFORCE),
                new TlsRptRecording.Recorded(TlsRptPolicy.tlsa(MX1, List.of(unusable), MX1),
                        List.of(new TlsRptFailure(TlsRptResultType.TLSA_INVALID, "all-unusable"))))));
    }

    @Test
    void row15_sts20_allUnusableTlsaAndTestingRequireTlsAndAuditPkixOnly() {
        TlsaRecord unusable = pkixEe(4);
        HostPlan.Connect c = connect(PolicyDecider.decideHost(secure(MX1, sts(StsMode.TESTING), tlsa(SECURE, unusable))));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
        assertThat(c.authentication()).isEqualTo(Authentication.NONE);
        assertThat(c.audit()).isEqualTo(new Authentication.Pkix(List.of(MX1)));
        assertThat(c.sni()).contains(MX1);
        assertThat(c.policy()).isEqualTo(AppliedPolicy.DANE);
        assertThat(c.tlsRpt()).isInstanceOfSatisfying(TlsRptRecording.Each.class, e -> assertThat(e.entries())
                .extracting(r -> r.policy().type()).containsExactly(TlsRptPolicyType.STS, TlsRptPolicyType.TLSA));
    }

    // ---- rows 16, 17 -------------------------------------------------------------------------------

    @Test
    void row16_sts19_enforceMatchRequiresPkixWithSanEqualToMxHost() {
        for (HostFacts facts : List.of(insecure(MX2, sts(StsMode.ENFORCE)),
                secure(MX2, sts(StsMode.ENFORCE), noData(SECURE)))) {
            HostPlan.Connect c = connect(PolicyDecider.decideHost(facts));
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
            assertThat(c.authentication()).isEqualTo(new Authentication.Pkix(List.of(MX2)));
            assertThat(c.sni()).contains(MX2);
            assertThat(c.tlsaBase()).isEmpty();
            assertThat(c.policy()).isEqualTo(AppliedPolicy.MTA_STS);
            assertThat(c.why()).contains("row 16");
            assertThat(c.tlsRpt()).isEqualTo(stsEntry(StsMode.ENFORCE));
        }
    }

    @Test
    void rpt10_aFailedRefreshIsRecordedAgainstTheCachedPolicyInUse() {
        for (StsMode mode : List.of(StsMode.ENFORCE, StsMode.TESTING)) {
            StsFacts refreshFailed = new StsFacts.Applied(policy(mode), NEXT_HOP,
                    java.util.Optional.of(StsFailureKind.WEBPKI_INVALID));
            HostPlan.Connect c = connect(PolicyDecider.decideHost(insecure(MX2, refreshFailed)));
            assertThat(c.tlsRpt()).as(mode.token())
                    .isEqualTo(stsEntry(mode, TlsRptFailure.of(TlsRptResultType.STS_WEBPKI_INVALID)));
        }
        // STS-21: mode none is no policy, so nothing is recorded as sts, a failed refresh included.
        StsFacts none = new StsFacts.Applied(policy(StsMode.NONE), NEXT_HOP, java.util.Optional.of(StsFailureKind.FETCH_ERROR));
        TlsRptRecording recording = connect(PolicyDecider.decideHost(insecure(MX2, none))).tlsRpt();
        List<TlsRptRecording.Recorded> entries = switch (recording) {
            case TlsRptRecording.Recorded r -> List.of(r);
            case TlsRptRecording.Each e -> e.entries();
            case TlsRptRecording.NotRecorded n -> List.of();
        };
        assertThat(entries).isNotEmpty().noneMatch(e -> e.policy().type() == TlsRptPolicyType.STS)
                .allMatch(e -> e.knownFailures().isEmpty());
    }

    @Test
    void row16_sts17_wildcardPatternAdmitsOneLabelOnly() {
        StsPolicy wild = new StsPolicy("STSv1", StsMode.ENFORCE, 86400, List.of("*.example.com"),
                List.of("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"));
        StsFacts sts = new StsFacts.Applied(wild, NEXT_HOP);
        assertThat(PolicyDecider.decideHost(insecure("mail.example.com", sts))).isInstanceOf(HostPlan.Connect.class);
        assertThat(PolicyDecider.decideHost(insecure("a.b.example.com", sts))).isInstanceOf(HostPlan.Skip.class);
    }

    @Test
    void row17_sts20_testingIsOpportunisticWithPkixCheckedReportOnly() {
        HostPlan.Connect c = connect(PolicyDecider.decideHost(insecure(MX1, sts(StsMode.TESTING))));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(c.authentication()).isEqualTo(Authentication.NONE);
        assertThat(c.audit()).isEqualTo(new Authentication.Pkix(List.of(MX1)));
        assertThat(c.policy()).isEqualTo(AppliedPolicy.MTA_STS);
        assertThat(c.tlsRpt()).isEqualTo(stsEntry(StsMode.TESTING));
    }

    @Test
    void row17_sts20_testingHostNotInMxStillDeliversAndRecordsTheMismatch() {
        HostPlan.Connect c = connect(PolicyDecider.decideHost(insecure(OTHER, sts(StsMode.TESTING))));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(c.tlsRpt()).isEqualTo(stsEntry(StsMode.TESTING,
                new TlsRptFailure(TlsRptResultType.VALIDATION_FAILURE, "mx-not-in-sts-policy")));
    }

    // ---- row 18, STS-21 ----------------------------------------------------------------------------

    @Test
    void row18_absentPolicyIsOpportunisticNoPolicyFound() {
        HostPlan.Connect c = connect(PolicyDecider.decideHost(insecure(MX1, StsFacts.ABSENT)));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(c.policy()).isEqualTo(AppliedPolicy.NONE);
        assertThat(c.audit()).isEqualTo(Authentication.NONE);
        assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Recorded(TlsRptPolicy.noPolicyFound(NEXT_HOP, MX1), List.of()));
    }

    @Test
    void row18_sts21_modeNoneIsNoPolicyAndNothingRecordedAsSts() {
        for (HostFacts facts : List.of(insecure(OTHER, sts(StsMode.NONE)), secure(OTHER, sts(StsMode.NONE), noData(SECURE)))) {
            HostPlan.Connect c = connect(PolicyDecider.decideHost(facts));
            assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
            assertThat(c.policy()).isEqualTo(AppliedPolicy.NONE);
            assertThat(c.audit()).isEqualTo(Authentication.NONE);
            assertThat(c.why()).contains("STS-21");
            assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Recorded(
                    TlsRptPolicy.noPolicyFound(NEXT_HOP, OTHER), List.of()));
        }
    }

    @Test
    void row13_sts21_modeNoneWithAllUnusableTlsaStaysRow13() {
        HostPlan.Connect c = connect(PolicyDecider.decideHost(secure(OTHER, sts(StsMode.NONE), tlsa(SECURE, pkixEe(1)))));
        assertThat(c.authentication()).isEqualTo(Authentication.NONE);
        assertThat(c.policy()).isEqualTo(AppliedPolicy.DANE);
        assertThat(c.tlsRpt()).isInstanceOf(TlsRptRecording.Recorded.class);
    }

    @ParameterizedTest
    @EnumSource(StsFailureKind.class)
    void row18_fetchFailedWithNothingCachedIsOpportunisticPlusAnStsFailureEntry(StsFailureKind kind) {
        HostPlan.Connect c = connect(PolicyDecider.decideHost(insecure(MX1, new StsFacts.FetchFailed(kind, "HTTP 404"))));
        assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(c.policy()).isEqualTo(AppliedPolicy.NONE);
        assertThat(c.why()).contains("HTTP 404").contains("row 18");
        assertThat(c.tlsRpt()).isInstanceOfSatisfying(TlsRptRecording.Each.class, e -> {
            assertThat(e.entries().get(0)).isEqualTo(new TlsRptRecording.Recorded(
                    TlsRptPolicy.noPolicyFound(NEXT_HOP, MX1), List.of()));
            TlsRptRecording.Recorded stsFailure = e.entries().get(1);
            assertThat(stsFailure.policy()).isEqualTo(TlsRptPolicy.stsWithoutPolicy(NEXT_HOP));
            assertThat(stsFailure.knownFailures()).extracting(f -> f.resultType().wireName())
                    .containsExactly(kind.resultType());
        });
    }

    // ---- POL-07 ------------------------------------------------------------------------------------

    @Test
    void pol07_perHostDecisionsMx1DaneMx2StsPkixUnderEnforce() {
        StsFacts enforce = sts(StsMode.ENFORCE);
        HostPlan.Connect mx1 = connect(PolicyDecider.decideHost(secure(MX1, enforce, tlsa(SECURE, daneEe(9)))));
        HostPlan.Connect mx2 = connect(PolicyDecider.decideHost(secure(MX2, enforce, noData(SECURE))));
        assertThat(mx1.authentication()).isInstanceOf(Authentication.Dane.class);
        assertThat(mx1.policy()).isEqualTo(AppliedPolicy.DANE);
        assertThat(mx2.authentication()).isEqualTo(new Authentication.Pkix(List.of(MX2)));
        assertThat(mx2.policy()).isEqualTo(AppliedPolicy.MTA_STS);
        // Both fail: the domain defers with the policy status, never plaintext.
        Verdict v = Verdict.of(List.of(new HostResult.PolicyFailed(MX1, "no TLSA match"),
                new HostResult.PolicyFailed(MX2, "certificate not trusted")));
        assertThat(v).isInstanceOf(Verdict.Defer.class);
    }

    // ---- dane-only ignores MTA-STS (rows 5–7) ------------------------------------------------------

    @Test
    void row7_daneOnlyIgnoresStsEnforce() {
        HostFacts facts = new HostFacts(new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE_ONLY, SECURE, false,
                sts(StsMode.ENFORCE)), HostAddressFacts.direct(OTHER, SECURE), new TlsaFacts.Answer(OTHER, noData(SECURE)));
        assertThat(PolicyDecider.decideHost(facts)).isInstanceOfSatisfying(HostPlan.Skip.class,
                s -> assertThat(s.why()).contains("row 7"));
    }

    @Test
    void invariants_pol02_pol04_sts19_holdForEveryStsModeAndTlsaAnswer() {
        List<StsFacts> stsFacts = List.of(StsFacts.ABSENT, sts(StsMode.ENFORCE), sts(StsMode.TESTING), sts(StsMode.NONE),
                new StsFacts.FetchFailed(StsFailureKind.FETCH_ERROR, "timeout"));
        List<DnsResult<TlsaRecord>> answers = List.of(tlsa(SECURE, daneEe(1)), tlsa(SECURE, pkixEe(1)), noData(SECURE),
                tlsa(INSECURE, daneEe(1)), failure(FailureKind.BOGUS, "bogus"), failure(FailureKind.TIMEOUT, "t"));
        int checked = 0;
        for (StsFacts s : stsFacts) {
            for (String host : List.of(MX1, OTHER)) {
                for (DnsResult<TlsaRecord> answer : answers) {
                    HostPlan plan = PolicyDecider.decideHost(secure(host, s, answer));
                    boolean enforce = s instanceof StsFacts.Applied a && a.mode() == StsMode.ENFORCE;
                    if (enforce && host.equals(OTHER)) {
                        assertThat(plan).as("STS-19 row 11").isInstanceOf(HostPlan.Skip.class);
                    } else if (answer instanceof DnsResult.Failure<TlsaRecord>) {
                        assertThat(plan).as("POL-04").isInstanceOf(HostPlan.Skip.class);
                    } else if (answer.equals(tlsa(SECURE, daneEe(1)))) {
                        assertThat(connect(plan).authentication()).as("POL-02").isInstanceOf(Authentication.Dane.class);
                    } else if (enforce) {
                        assertThat(connect(plan).authentication()).as("STS-19")
                                .isEqualTo(new Authentication.Pkix(List.of(host)));
                    } else {
                        assertThat(connect(plan).authentication()).isEqualTo(Authentication.NONE);
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(5 * 2 * 6);
    }

    // ---- plan invariants ---------------------------------------------------------------------------

    @Test
    void connectRejectsAuditNextToEnforcedAuthenticationAndUnauthenticatedPkixWithoutTls() {
        Authentication pkix = new Authentication.Pkix(List.of(MX1));
        TlsRptRecording none = new TlsRptRecording.NotRecorded("test");
        assertThatThrownBy(() -> new HostPlan.Connect(MX1, TlsRequirement.REQUIRED, pkix, MX1, "", List.of(), "TLSv1.2",
                AppliedPolicy.MTA_STS, "x", none, pkix)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPlan.Connect(MX1, TlsRequirement.OPPORTUNISTIC, pkix, MX1, "", List.of(),
                "TLSv1.2", AppliedPolicy.MTA_STS, "x", none)).isInstanceOf(IllegalArgumentException.class);
    }
}
