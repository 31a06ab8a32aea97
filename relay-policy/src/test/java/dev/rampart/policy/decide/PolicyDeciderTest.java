package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.NEXT_HOP;
import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.daneTa;
import static dev.rampart.policy.decide.DecideFixtures.domain;
import static dev.rampart.policy.decide.DecideFixtures.failure;
import static dev.rampart.policy.decide.DecideFixtures.host;
import static dev.rampart.policy.decide.DecideFixtures.noData;
import static dev.rampart.policy.decide.DecideFixtures.nxDomain;
import static dev.rampart.policy.decide.DecideFixtures.pkixEe;
import static dev.rampart.policy.decide.DecideFixtures.secureHost;
import static dev.rampart.policy.decide.DecideFixtures.shortDigest;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.dns.DnssecStatus.BOGUS;
import static dev.rampart.policy.dns.DnssecStatus.INDETERMINATE;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance §7 decision table rows 5–10, 12, 13, 19 as tests of {@link PolicyDecider} alone, plus the
 * DANE rules they rest on (DANE-01, -02, -05..-09, -13, -14, -16; MX-15; RPT-04, RPT-05).
 */
class PolicyDeciderTest {
    private static final String MX = "mx.example.com";

    // ---- row 5 -------------------------------------------------------------------------------------

    @Test
    void row5_dane16_daneOnlyWithInsecureMxDefersTheDomainWith475WithoutConnecting() {
        MxResolution hosts = new MxResolution.Hosts(NEXT_HOP, List.of(mxHost(MX, 10, SECURE), mxHost("mx2.example.com", 20, SECURE)),
                INSECURE, false, List.of());
        DomainPlan plan = PolicyDecider.decideDomain(hosts, NEXT_HOP, ManualPolicy.DANE_ONLY, StsFacts.ABSENT);
        assertThat(plan).isInstanceOfSatisfying(DomainPlan.Defer.class, d -> {
            assertThat(d.status()).isEqualTo("4.7.5");
            assertThat(d.reason()).contains("dane-only").contains("insecure MX RRset");
            // RPT-01: each host skipped by policy counts as one failed session, recorded as dane-required.
            assertThat(d.skippedHosts()).extracting(HostPlan.Skip::hostName).containsExactly(MX, "mx2.example.com");
            assertThat(d.skippedHosts()).allSatisfy(s -> assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA,
                    TlsRptResultType.DANE_REQUIRED));
        });
    }

    @Test
    void row5_dane16_decideHostAgreesForEachHost() {
        DomainFacts d = domain(ManualPolicy.DANE_ONLY, INSECURE);
        HostPlan plan = PolicyDecider.decideHost(host(d, MX, SECURE, new TlsaFacts.NotQueried("MX insecure")));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.status()).isEqualTo("4.7.5");
            assertThat(s.why()).contains("row 5");
            assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA, TlsRptResultType.DANE_REQUIRED);
        });
    }

    // ---- rows 6 and 12 -----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("manualDaneLevels")
    void row6_row12_dane07_usableTlsaRequiresDaneAuthenticationOnly(ManualPolicy manual) {
        TlsaRecord ee = daneEe(1);
        TlsaRecord ta = daneTa(2);
        TlsaRecord unusable = pkixEe(3);
        HostPlan plan = PolicyDecider.decideHost(secureHost(manual, MX, tlsa(SECURE, ee, unusable, ta)));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
            // POL-02: DANE only; the unusable record is never offered to the matcher (DANE-06).
            assertThat(c.authentication()).isInstanceOfSatisfying(Authentication.Dane.class,
                    a -> assertThat(a.usableRecords()).containsExactly(ee, ta));
            assertThat(c.usableTlsa()).containsExactly(ee, ta);
            assertThat(c.allTlsa()).containsExactly(ee, unusable, ta);
            assertThat(c.tlsaBase()).isEqualTo(MX);
            assertThat(c.sni()).as("DANE-13").contains(MX);
            assertThat(c.minimumTls()).as("DANE-13").isEqualTo("TLSv1.2");
            assertThat(c.policy()).isEqualTo(AppliedPolicy.DANE);
            assertThat(c.why()).contains(manual instanceof ManualPolicy.DaneOnly ? "row 6" : "row 12");
            // RPT-04: every published record, the TLSA base domain, the MX host; a success has no preset failure.
            assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Recorded(new TlsRptPolicy(TlsRptPolicyType.TLSA,
                    List.of(ee.presentation(), unusable.presentation(), ta.presentation()), MX, List.of(MX)), List.of()));
        });
    }

    static Stream<ManualPolicy> manualDaneLevels() {
        return Stream.of(ManualPolicy.DANE, ManualPolicy.DANE_ONLY);
    }

    @Test
    void rpt04_policyStringsArePresentationWithoutSpacesInHex() {
        HostPlan plan = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX, tlsa(SECURE, daneEe(0xab))));
        TlsRptRecording.Recorded r = (TlsRptRecording.Recorded) plan.tlsRpt();
        assertThat(r.policy().policyStrings()).containsExactly("3 1 1 " + "ab".repeat(32));
    }

    // ---- row 7 -------------------------------------------------------------------------------------

    static Stream<TlsaFacts> noUsableSecureTlsa() {
        return Stream.of(
                new TlsaFacts.Answer(MX, noData(SECURE)),
                new TlsaFacts.Answer(MX, nxDomain(SECURE)),
                new TlsaFacts.Answer(MX, noData(INSECURE)),
                new TlsaFacts.Answer(MX, tlsa(INSECURE, daneEe(1))),
                new TlsaFacts.Answer(MX, tlsa(SECURE, pkixEe(1), shortDigest())),
                new TlsaFacts.NotQueried("address records of mx.example.com are insecure"));
    }

    @ParameterizedTest
    @MethodSource("noUsableSecureTlsa")
    void row7_dane16_daneOnlyWithoutUsableSecureTlsaSkipsTheHost(TlsaFacts tlsa) {
        HostPlan plan = PolicyDecider.decideHost(host(domain(ManualPolicy.DANE_ONLY, SECURE), MX,
                tlsa instanceof TlsaFacts.NotQueried ? INSECURE : SECURE, tlsa));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.status()).isEqualTo("4.7.5");
            assertThat(s.reason()).startsWith("dane-only:");
            assertThat(s.why()).contains("row 7");
            assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA, TlsRptResultType.DANE_REQUIRED);
        });
    }

    // ---- row 8 -------------------------------------------------------------------------------------

    @Test
    void row8_mx05_mxLookupErrorDefersTheDomainWith443() {
        MxResolution temp = new MxResolution.Temporary(NEXT_HOP, "4.4.3", "MX lookup for example.com failed (BOGUS): RRSIG expired");
        for (ManualPolicy manual : List.of(ManualPolicy.DANE, ManualPolicy.DANE_ONLY)) {
            assertThat(PolicyDecider.decideDomain(temp, NEXT_HOP, manual, StsFacts.ABSENT))
                    .isEqualTo(new DomainPlan.Defer("4.4.3", "MX lookup for example.com failed (BOGUS): RRSIG expired", List.of()));
        }
    }

    @Test
    void permanentMxOutcomeFailsTheDomain_MX04_MX07() {
        MxResolution nullMx = new MxResolution.Permanent(NEXT_HOP, "5.1.10", "null MX");
        assertThat(PolicyDecider.decideDomain(nullMx, NEXT_HOP, ManualPolicy.DANE_ONLY, StsFacts.ABSENT))
                .isEqualTo(new DomainPlan.Fail("5.1.10", "null MX"));
    }

    @ParameterizedTest
    @EnumSource(value = DnssecStatus.class, names = {"BOGUS", "INDETERMINATE"})
    void row8_dns02_bogusOrIndeterminateMxStatusDefersNeverDowngrades(DnssecStatus status) {
        MxResolution hosts = new MxResolution.Hosts(NEXT_HOP, List.of(mxHost(MX, 10, SECURE)), status, false, List.of());
        assertThat(PolicyDecider.decideDomain(hosts, NEXT_HOP, ManualPolicy.DANE, StsFacts.ABSENT))
                .isInstanceOfSatisfying(DomainPlan.Defer.class, d -> {
                    assertThat(d.status()).isEqualTo("4.4.3");
                    assertThat(d.reason()).contains(status.name().toLowerCase());
                });
    }

    @ParameterizedTest
    @EnumSource(value = DnssecStatus.class, names = {"BOGUS", "INDETERMINATE"})
    void dns02_mx13_bogusAddressSkipsTheHostAsDnssecInvalid(DnssecStatus status) {
        for (HostAddressFacts a : List.of(HostAddressFacts.direct(MX, status), new HostAddressFacts(MX, "t.example.net", status, SECURE))) {
            HostPlan plan = PolicyDecider.decideHost(new HostFacts(domain(ManualPolicy.DANE, SECURE), a,
                    new TlsaFacts.NotQueried("address not secure")));
            assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
                assertThat(s.reason()).startsWith("DNSSEC validation failed: ").contains(status.name().toLowerCase());
                assertThat(s.status()).isEqualTo("4.4.3");
                assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA, TlsRptResultType.DNSSEC_INVALID);
            });
        }
    }

    @Test
    void secureMxGoesOnToTheHostsInOrder() {
        List<MxHost> hosts = List.of(mxHost(MX, 10, SECURE), mxHost("mx2.example.com", 20, INSECURE));
        MxResolution resolution = new MxResolution.Hosts(NEXT_HOP, hosts, SECURE, false, List.of());
        assertThat(PolicyDecider.decideDomain(resolution, "alias.example.net", ManualPolicy.DANE_ONLY, StsFacts.ABSENT))
                .isEqualTo(new DomainPlan.TryHosts(new DomainFacts(NEXT_HOP, "alias.example.net", ManualPolicy.DANE_ONLY,
                        SECURE, false, StsFacts.ABSENT), hosts));
    }

    // ---- row 9 -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("manualDaneLevels")
    void row9_dane05_bogusTlsaSkipsTheHostWithTheValidatorsReason(ManualPolicy manual) {
        HostPlan plan = PolicyDecider.decideHost(secureHost(manual, MX, failure(FailureKind.BOGUS, "RRSIG expired")));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.reason()).isEqualTo("TLSA lookup bogus: RRSIG expired");
            assertThat(s.status()).isEqualTo("4.7.5");
            assertThat(s.why()).contains("row 9");
            assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA, TlsRptResultType.DNSSEC_INVALID);
            assertThat(((TlsRptRecording.Recorded) s.tlsRpt()).policy().policyDomain()).isEqualTo(MX);
        });
    }

    @ParameterizedTest
    @EnumSource(value = DnssecStatus.class, names = {"BOGUS", "INDETERMINATE"})
    void row9_dns02_bogusOrIndeterminateStatusOnAnyAnswerSkipsTheHost(DnssecStatus status) {
        for (DnsResult<TlsaRecord> answer : List.of(tlsa(status, daneEe(1)), noData(status), nxDomain(status))) {
            HostPlan plan = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX, answer));
            assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
                assertThat(s.reason()).startsWith("TLSA lookup bogus: ").contains(status.name().toLowerCase());
                assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA, TlsRptResultType.DNSSEC_INVALID);
            });
        }
    }

    // ---- row 10 ------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = FailureKind.class, names = {"SERVFAIL", "TIMEOUT", "MALFORMED", "CNAME_LOOP"})
    void row10_dane05_failedTlsaLookupSkipsTheHostNeverTreatedAsAbsent(FailureKind kind) {
        HostPlan plan = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX, failure(kind, "upstream said no")));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Skip.class, s -> {
            assertThat(s.reason()).startsWith("TLSA lookup failed: upstream said no (");
            assertThat(s.status()).isEqualTo("4.4.3");
            assertThat(s.why()).contains("row 10");
            assertRecorded(s.tlsRpt(), TlsRptPolicyType.TLSA, TlsRptResultType.TLSA_INVALID);
            assertThat(((TlsRptRecording.Recorded) s.tlsRpt()).knownFailures().getFirst().reasonCode())
                    .startsWith("tlsa-lookup-");
        });
    }

    // ---- row 13 ------------------------------------------------------------------------------------

    @Test
    void row13_dane08_allUnusableTlsaRequiresTlsWithoutAuthentication() {
        TlsaRecord pkix = pkixEe(1);
        TlsaRecord bad = shortDigest();
        HostPlan plan = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX, tlsa(SECURE, pkix, bad)));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
            assertThat(c.authentication()).isEqualTo(Authentication.NONE);
            assertThat(c.usableTlsa()).isEmpty();
            assertThat(c.allTlsa()).containsExactly(pkix, bad);
            assertThat(c.sni()).contains(MX);
            assertThat(c.policy()).isEqualTo(AppliedPolicy.DANE);
            assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Recorded(
                    TlsRptPolicy.tlsa(MX, List.of(pkix, bad), MX),
                    List.of(new TlsRptFailure(TlsRptResultType.TLSA_INVALID, "all-unusable"))));
        });
    }

    // ---- DANE-09, DANE-01/02, MX-15 ----------------------------------------------------------------

    static Stream<DnsResult<TlsaRecord>> noSecureTlsa() {
        return Stream.of(noData(SECURE), nxDomain(SECURE), noData(INSECURE), nxDomain(INSECURE),
                tlsa(INSECURE, daneEe(1)), tlsa(SECURE));
    }

    @ParameterizedTest
    @MethodSource("noSecureTlsa")
    void dane09_noSecureTlsaMeansOpportunisticTls(DnsResult<TlsaRecord> answer) {
        HostPlan plan = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX, answer));
        assertOpportunisticNoPolicy(plan);
        assertThat(plan.why()).contains("DANE-09");
    }

    @Test
    void dane01_dane02_mx15_insecureMxTurnsDaneOffAndIsNeverLoggedAsSecure() {
        DomainFacts d = domain(ManualPolicy.DANE, INSECURE);
        HostAddressFacts a = HostAddressFacts.direct(MX, SECURE);
        // Even if a caller asked anyway, TLSA under an insecure MX RRset is never used.
        TlsaFacts tlsa = TlsaBase.choose(d, a, java.util.Map.of(MX, tlsa(SECURE, daneEe(1))));
        assertThat(tlsa).isInstanceOf(TlsaFacts.NotQueried.class);
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(d, a, tlsa));
        assertOpportunisticNoPolicy(plan);
        assertThat(plan.why()).contains("MX-15");
        assertThat(plan.hostName()).isEqualTo(MX);
    }

    @Test
    void dane01_aTlsaAnswerUnderInsecureFactsCannotReachTheDecision() {
        TlsaFacts answer = new TlsaFacts.Answer(MX, tlsa(SECURE, daneEe(1)));
        for (HostAddressFacts a : List.of(HostAddressFacts.direct(MX, INSECURE),
                new HostAddressFacts(MX, "target.example.net", INSECURE, SECURE))) {
            assertThatThrownBy(() -> new HostFacts(domain(ManualPolicy.DANE, SECURE), a, answer))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DANE-01");
        }
        assertThatThrownBy(() -> new HostFacts(domain(ManualPolicy.DANE, INSECURE), HostAddressFacts.direct(MX, SECURE), answer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a candidate");
        assertThatThrownBy(() -> new HostFacts(domain(ManualPolicy.DANE, SECURE), HostAddressFacts.direct(MX, SECURE),
                new TlsaFacts.Answer("elsewhere.example.net", tlsa(SECURE, daneEe(1)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dane01_insecureAddressMeansNoTlsaAndOpportunisticTls() {
        DomainFacts d = domain(ManualPolicy.DANE, SECURE);
        HostAddressFacts a = HostAddressFacts.direct(MX, INSECURE);
        TlsaFacts tlsa = TlsaBase.choose(d, a, java.util.Map.of(MX, tlsa(SECURE, daneEe(1))));
        assertThat(tlsa).isInstanceOf(TlsaFacts.NotQueried.class);
        assertOpportunisticNoPolicy(PolicyDecider.decideHost(new HostFacts(d, a, tlsa)));
    }

    // ---- row 19 ------------------------------------------------------------------------------------

    @Test
    void row19_mx02_addressLiteralIsOpportunisticWithoutSniAndNotRecorded() {
        MxResolution literal = new MxResolution.Hosts("[192.0.2.1]",
                List.of(new MxHost("[192.0.2.1]", 0, List.of(ip("192.0.2.1")), INSECURE)), INSECURE, false, List.of());
        DomainPlan domainPlan = PolicyDecider.decideDomain(literal, "[192.0.2.1]", ManualPolicy.DANE_ONLY, StsFacts.ABSENT);
        assertThat(domainPlan).isInstanceOf(DomainPlan.TryHosts.class);
        DomainFacts facts = ((DomainPlan.TryHosts) domainPlan).facts();
        HostPlan plan = PolicyDecider.decideHost(host(facts, "[192.0.2.1]", INSECURE, new TlsaFacts.NotQueried("literal")));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
            assertThat(c.sni()).isEmpty();
            assertThat(c.tlsRpt()).isInstanceOf(TlsRptRecording.NotRecorded.class);
        });
    }

    // ---- DANE-14 -----------------------------------------------------------------------------------

    @Test
    void dane14_secureMxAddsTheNextHopAndItsExpansion() {
        DomainFacts d = new DomainFacts(NEXT_HOP, "mail-alias.example.org", ManualPolicy.DANE, SECURE, false, StsFacts.ABSENT);
        HostPlan plan = PolicyDecider.decideHost(host(d, MX, SECURE, new TlsaFacts.Answer(MX, tlsa(SECURE, daneTa(1)))));
        assertThat(((HostPlan.Connect) plan).referenceIds()).containsExactly(MX, NEXT_HOP, "mail-alias.example.org");
    }

    @Test
    void dane14_secureMxWithoutAliasListsEachNameOnce() {
        HostPlan plan = PolicyDecider.decideHost(secureHost(ManualPolicy.DANE, MX, tlsa(SECURE, daneTa(1))));
        assertThat(((HostPlan.Connect) plan).referenceIds()).containsExactly(MX, NEXT_HOP);
    }

    @Test
    void dane14_implicitMxWithAliasAddsTheOriginalNextHopWhenTheBaseIsItsExpansion() {
        DomainFacts d = new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE, SECURE, true, StsFacts.ABSENT);
        HostAddressFacts a = new HostAddressFacts(NEXT_HOP, "host.provider.net", SECURE, SECURE);
        TlsaFacts tlsa = TlsaBase.choose(d, a, java.util.Map.of("host.provider.net", tlsa(SECURE, daneTa(1)),
                NEXT_HOP, noData(SECURE)));
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(d, a, tlsa));
        assertThat(((HostPlan.Connect) plan).referenceIds()).containsExactly("host.provider.net", NEXT_HOP);
        assertThat(((HostPlan.Connect) plan).sni()).contains("host.provider.net");
    }

    @Test
    void dane14_implicitMxWithoutAliasHasOnlyTheNextHop() {
        DomainFacts d = new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE, SECURE, true, StsFacts.ABSENT);
        HostPlan plan = PolicyDecider.decideHost(host(d, NEXT_HOP, SECURE, new TlsaFacts.Answer(NEXT_HOP, tlsa(SECURE, daneEe(1)))));
        assertThat(((HostPlan.Connect) plan).referenceIds()).containsExactly(NEXT_HOP);
    }

    // ---- invariants over the whole fact space ------------------------------------------------------

    /**
     * DANE-07/POL-02, DANE-05/POL-04, POL-05: whatever the facts, usable secure TLSA means TLS required
     * with DANE only; a failed or bogus TLSA lookup never connects; TLS-required plans only ever come
     * from a secure TLSA RRset.
     */
    @Test
    void invariants_dane07_pol02_pol04_pol05_holdForEveryCombinationOfFacts() {
        List<DnsResult<TlsaRecord>> answers = List.of(tlsa(SECURE, daneEe(1)), tlsa(SECURE, daneEe(1), pkixEe(2)),
                tlsa(SECURE, pkixEe(2)), tlsa(INSECURE, daneEe(1)), tlsa(BOGUS, daneEe(1)), tlsa(INDETERMINATE, daneEe(1)),
                noData(SECURE), noData(INSECURE), nxDomain(SECURE), noData(BOGUS),
                failure(FailureKind.BOGUS, "x"), failure(FailureKind.SERVFAIL, "x"), failure(FailureKind.TIMEOUT, "x"),
                failure(FailureKind.MALFORMED, "x"), failure(FailureKind.CNAME_LOOP, "x"));
        int checked = 0;
        for (ManualPolicy manual : List.of(ManualPolicy.DANE, ManualPolicy.DANE_ONLY)) {
            for (DnssecStatus mx : DnssecStatus.values()) {
                for (DnssecStatus address : DnssecStatus.values()) {
                    DomainFacts d = domain(manual, mx);
                    HostAddressFacts a = HostAddressFacts.direct(MX, address);
                    for (DnsResult<TlsaRecord> answer : answers) {
                        TlsaFacts tlsa = TlsaBase.choose(d, a, java.util.Map.of(MX, answer));
                        HostPlan plan = PolicyDecider.decideHost(new HostFacts(d, a, tlsa));
                        boolean asked = mx == SECURE && address == SECURE;
                        assertThat(tlsa instanceof TlsaFacts.Answer).isEqualTo(asked);
                        TlsaAnswers.Kind kind = TlsaAnswers.classify(answer);
                        if (asked && kind == TlsaAnswers.Kind.SECURE_RECORDS
                                && ((DnsResult.Records<TlsaRecord>) answer).records().stream().anyMatch(r -> r.usage() == 3)) {
                            assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
                                assertThat(c.requirement()).isEqualTo(TlsRequirement.REQUIRED);
                                assertThat(c.authentication()).isInstanceOf(Authentication.Dane.class);
                            });
                        }
                        if (asked && (kind == TlsaAnswers.Kind.BOGUS || kind == TlsaAnswers.Kind.FAILED)) {
                            assertThat(plan).isInstanceOf(HostPlan.Skip.class);
                        }
                        if (plan instanceof HostPlan.Connect c && c.requirement() == TlsRequirement.REQUIRED) {
                            assertThat(asked && kind == TlsaAnswers.Kind.SECURE_RECORDS).isTrue();
                        }
                        if (mx == BOGUS || mx == INDETERMINATE || address == BOGUS || address == INDETERMINATE) {
                            assertThat(plan).as("DNS-02").isInstanceOf(HostPlan.Skip.class);
                        }
                        if (manual instanceof ManualPolicy.DaneOnly && plan instanceof HostPlan.Connect c) {
                            assertThat(c.authentication()).as("DANE-16").isInstanceOf(Authentication.Dane.class);
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(2 * 4 * 4 * answers.size());
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static void assertOpportunisticNoPolicy(HostPlan plan) {
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
            assertThat(c.authentication()).isEqualTo(Authentication.NONE);
            assertThat(c.policy()).isEqualTo(AppliedPolicy.NONE);
            assertThat(c.sni()).contains(MX);
            assertThat(c.tlsaBase()).isEmpty();
            // RPT-05: no-policy-found, policy domain = next-hop, no policy strings.
            assertThat(c.tlsRpt()).isEqualTo(new TlsRptRecording.Recorded(
                    new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), NEXT_HOP, List.of(MX)), List.of()));
        });
    }

    static void assertRecorded(TlsRptRecording rpt, TlsRptPolicyType type, TlsRptResultType result) {
        assertThat(rpt).isInstanceOfSatisfying(TlsRptRecording.Recorded.class, r -> {
            assertThat(r.policy().type()).isEqualTo(type);
            assertThat(r.knownFailures()).extracting(TlsRptFailure::resultType).containsExactly(result);
        });
    }

    static MxHost mxHost(String name, int preference, DnssecStatus addressStatus) {
        return new MxHost(name, preference, List.of(ip("192.0.2." + preference)), addressStatus);
    }

    static InetAddress ip(String text) {
        return AddressLiterals.parseIpString(text).orElseThrow();
    }
}
