package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.NEXT_HOP;
import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.failure;
import static dev.rampart.policy.decide.DecideFixtures.noData;
import static dev.rampart.policy.decide.DecideFixtures.pkixEe;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.dns.DnssecStatus.BOGUS;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Shadow mode and row 20 as pure functions over the plans {@link PolicyDecider} really makes, one case per
 * decision-table row 5–18 (issue acceptance 4; POL-08): what shadow mode relaxes, what it keeps as the
 * enforced demand, and what it leaves alone.
 */
class ShadowPlansTest {
    private static final String MX1 = "mx1.example.com";
    private static final String OTHER = "mx.elsewhere.example.net";

    /** Which kind of shadow plan a row turns into. */
    enum Kind { AS_PLANNED, WOULD_SKIP, LOOKUP_FAILED, DEMANDING }

    private static StsFacts sts(StsMode mode) {
        List<String> lines = new ArrayList<>(List.of("version: STSv1", "mode: " + mode.token(), "mx: " + MX1,
                "max_age: 604800"));
        return new StsFacts.Applied(new StsPolicy("STSv1", mode, 604800, List.of(MX1), lines), NEXT_HOP);
    }

    private static HostFacts secure(String host, ManualPolicy manual, StsFacts sts, DnsResult<TlsaRecord> answer) {
        return new HostFacts(new DomainFacts(NEXT_HOP, NEXT_HOP, manual, SECURE, false, sts),
                HostAddressFacts.direct(host, SECURE), new TlsaFacts.Answer(host, answer));
    }

    private static HostFacts insecure(String host, StsFacts sts) {
        return new HostFacts(new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE, INSECURE, false, sts),
                HostAddressFacts.direct(host, SECURE), new TlsaFacts.NotQueried("MX RRset insecure"));
    }

    private static HostPlan row5Skip() {
        MxHost host = new MxHost(MX1, 10, List.of(InetAddress.getLoopbackAddress()), INSECURE);
        DomainPlan plan = PolicyDecider.decideDomain(new MxResolution.Hosts(NEXT_HOP, List.of(host), INSECURE, false,
                List.of()), NEXT_HOP, ManualPolicy.DANE_ONLY, StsFacts.ABSENT);
        assertThat(plan).isInstanceOf(DomainPlan.Defer.class);
        List<HostPlan.Skip> hosts = ShadowPlans.hostsToTry((DomainPlan.Defer) plan);
        assertThat(hosts).hasSize(1);
        return hosts.getFirst();
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("row 5 dane-only, insecure MX", row5Skip(), Kind.WOULD_SKIP, AppliedPolicy.DANE),
                Arguments.of("row 6 dane-only, usable TLSA", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE_ONLY, StsFacts.ABSENT, tlsa(SECURE, daneEe(1)))),
                        Kind.DEMANDING, AppliedPolicy.DANE),
                Arguments.of("row 7 dane-only, no TLSA", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE_ONLY, StsFacts.ABSENT, noData(SECURE))),
                        Kind.WOULD_SKIP, AppliedPolicy.DANE),
                Arguments.of("row 9 TLSA bogus", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, sts(StsMode.ENFORCE), failure(FailureKind.BOGUS, "RRSIG expired"))),
                        Kind.WOULD_SKIP, AppliedPolicy.DANE),
                Arguments.of("row 10 TLSA SERVFAIL", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, StsFacts.ABSENT, failure(FailureKind.SERVFAIL, "no answer"))),
                        Kind.LOOKUP_FAILED, AppliedPolicy.DANE),
                Arguments.of("row 10 TLSA timeout", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, StsFacts.ABSENT, failure(FailureKind.TIMEOUT, "timed out"))),
                        Kind.LOOKUP_FAILED, AppliedPolicy.DANE),
                Arguments.of("row 11 enforce, MX not listed", PolicyDecider.decideHost(insecure(OTHER, sts(StsMode.ENFORCE))),
                        Kind.WOULD_SKIP, AppliedPolicy.MTA_STS),
                Arguments.of("row 12 usable TLSA", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, sts(StsMode.ENFORCE), tlsa(SECURE, daneEe(2)))),
                        Kind.DEMANDING, AppliedPolicy.DANE),
                Arguments.of("row 13 all unusable", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, StsFacts.ABSENT, tlsa(SECURE, pkixEe(3)))),
                        Kind.DEMANDING, AppliedPolicy.DANE),
                Arguments.of("row 14 all unusable, enforce", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, sts(StsMode.ENFORCE), tlsa(SECURE, pkixEe(4)))),
                        Kind.DEMANDING, AppliedPolicy.MTA_STS),
                Arguments.of("row 15 all unusable, testing", PolicyDecider.decideHost(
                        secure(MX1, ManualPolicy.DANE, sts(StsMode.TESTING), tlsa(SECURE, pkixEe(5)))),
                        Kind.DEMANDING, AppliedPolicy.DANE),
                Arguments.of("row 16 enforce", PolicyDecider.decideHost(insecure(MX1, sts(StsMode.ENFORCE))),
                        Kind.DEMANDING, AppliedPolicy.MTA_STS),
                Arguments.of("row 17 testing", PolicyDecider.decideHost(insecure(MX1, sts(StsMode.TESTING))),
                        Kind.AS_PLANNED, AppliedPolicy.MTA_STS),
                Arguments.of("row 18 no policy", PolicyDecider.decideHost(insecure(MX1, StsFacts.ABSENT)),
                        Kind.AS_PLANNED, AppliedPolicy.NONE),
                Arguments.of("DNS-02 bogus address records", PolicyDecider.decideHost(new HostFacts(
                        new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE, SECURE, false, StsFacts.ABSENT),
                        HostAddressFacts.direct(MX1, BOGUS), new TlsaFacts.NotQueried("address bogus"))),
                        Kind.WOULD_SKIP, AppliedPolicy.DANE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shadowRelaxesEveryBlockingRowAndKeepsTheEnforcedDemand(String row, HostPlan enforced, Kind kind,
                                                                AppliedPolicy policy) {
        ShadowPlan shadow = ShadowPlans.relax(enforced);
        Kind actual = switch (shadow) {
            case ShadowPlan.AsPlanned a -> Kind.AS_PLANNED;
            case ShadowPlan.WouldSkip w -> {
                assertThat(w.enforced()).isSameAs(enforced);
                yield Kind.WOULD_SKIP;
            }
            case ShadowPlan.LookupFailed l -> {
                assertThat(l.enforced()).isSameAs(enforced);
                yield Kind.LOOKUP_FAILED;
            }
            case ShadowPlan.Demanding d -> {
                assertThat(d.enforced()).isSameAs(enforced);
                yield Kind.DEMANDING;
            }
        };
        assertThat(actual).as(row).isEqualTo(kind);
        HostPlan.Connect c = shadow.connect();
        // Never blocks: opportunistic, no authentication in the handshake.
        assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(c.authentication()).isEqualTo(Authentication.NONE);
        // The log keeps the real policy; TLS-RPT keeps what the decision knew.
        assertThat(c.policy()).isEqualTo(policy).isEqualTo(enforced.policy());
        assertThat(c.hostName()).isEqualTo(enforced.hostName());
        assertThat(c.tlsRpt()).isEqualTo(enforced.tlsRpt());
        if (kind == Kind.AS_PLANNED) {
            assertThat(c).isSameAs(enforced);
        } else {
            assertThat(c.why()).startsWith(enforced.why()).contains("shadow mode");
        }
    }

    @Test
    void row12_daneDemandKeepsSniAndTlsaSoTheSessionSeesWhatDaneWouldSee() {
        HostPlan enforced = PolicyDecider.decideHost(secure(MX1, ManualPolicy.DANE, StsFacts.ABSENT,
                tlsa(SECURE, daneEe(9))));
        ShadowPlan.Demanding d = (ShadowPlan.Demanding) ShadowPlans.relax(enforced);
        assertThat(d.connect().serverName()).isEqualTo(MX1);
        assertThat(d.connect().tlsaBase()).isEqualTo(MX1);
        assertThat(d.connect().allTlsa()).containsExactly(daneEe(9));
        assertThat(d.enforced().authentication()).isInstanceOf(Authentication.Dane.class);
    }

    @Test
    void rows14and16_pkixDemandIsKeptAsTheEnforcedAuthenticationNotAsAnAudit() {
        for (HostPlan enforced : List.of(
                PolicyDecider.decideHost(insecure(MX1, sts(StsMode.ENFORCE))),
                PolicyDecider.decideHost(secure(MX1, ManualPolicy.DANE, sts(StsMode.ENFORCE), tlsa(SECURE, pkixEe(1)))))) {
            ShadowPlan.Demanding d = (ShadowPlan.Demanding) ShadowPlans.relax(enforced);
            assertThat(d.enforced().authentication()).isEqualTo(new Authentication.Pkix(List.of(MX1)));
            assertThat(d.connect().audit()).isEqualTo(Authentication.NONE);
        }
    }

    @Test
    void row15_testingAuditSurvivesTheRelaxationSts20() {
        HostPlan.Connect enforced = (HostPlan.Connect) PolicyDecider.decideHost(
                secure(MX1, ManualPolicy.DANE, sts(StsMode.TESTING), tlsa(SECURE, pkixEe(5))));
        assertThat(ShadowPlans.relax(enforced).connect().audit()).isEqualTo(new Authentication.Pkix(List.of(MX1)));
    }

    @Test
    void row8_mxLookupFailureLeavesNothingToTry() {
        DomainPlan plan = PolicyDecider.decideDomain(new MxResolution.Temporary(NEXT_HOP, "4.4.3", "SERVFAIL"),
                NEXT_HOP, ManualPolicy.DANE, StsFacts.ABSENT);
        assertThat(ShadowPlans.hostsToTry((DomainPlan.Defer) plan)).isEmpty();
        DomainPlan bogus = PolicyDecider.decideDomain(new MxResolution.Hosts(NEXT_HOP,
                List.of(new MxHost(MX1, 10, List.of(InetAddress.getLoopbackAddress()), SECURE)), BOGUS, false, List.of()),
                NEXT_HOP, ManualPolicy.DANE, StsFacts.ABSENT);
        assertThat(ShadowPlans.hostsToTry((DomainPlan.Defer) bogus)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void row20_pol08_tlsRequiredNoTriesStartTlsIgnoresFailuresAndIsNeverRecorded(String row, HostPlan enforced,
                                                                               Kind kind, AppliedPolicy policy) {
        HostPlan.Connect c = ShadowPlans.ignoringFailures(enforced);
        assertThat(c.requirement()).isEqualTo(TlsRequirement.OPPORTUNISTIC);
        assertThat(c.authentication()).isEqualTo(Authentication.NONE);
        assertThat(c.audit()).isEqualTo(Authentication.NONE);
        assertThat(c.tlsRpt()).isInstanceOf(TlsRptRecording.NotRecorded.class);
        assertThat(c.hostName()).isEqualTo(enforced.hostName());
        assertThat(c.policy()).isEqualTo(policy);
        assertThat(c.why()).contains("row 20");
    }

    @Test
    void sts20_auditResultsGiveTheirTlsRptFailureDetail() {
        assertThat(AuditResult.PASSED.rptFailure()).isEmpty();
        assertThat(AuditResult.NOT_AUDITED.rptFailure()).isEmpty();
        assertThat(new AuditResult.Failed("names do not match", TlsRptResultType.CERTIFICATE_HOST_MISMATCH).rptFailure())
                .contains(TlsRptFailure.of(TlsRptResultType.CERTIFICATE_HOST_MISMATCH));
        assertThat(new AuditResult.NoStarttls("STARTTLS not offered").rptFailure())
                .contains(TlsRptFailure.of(TlsRptResultType.STARTTLS_NOT_SUPPORTED));
    }

    @Test
    void asPlannedRefusesAPlanThatRequiresTls() {
        HostPlan.Connect required = (HostPlan.Connect) PolicyDecider.decideHost(
                secure(MX1, ManualPolicy.DANE, StsFacts.ABSENT, tlsa(SECURE, daneEe(1))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ShadowPlan.AsPlanned(required))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dns02_indeterminateAddressIsADnssecFailureAndCountsAsWouldBlock() {
        DnssecStatus indeterminate = DnssecStatus.INDETERMINATE;
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(
                new DomainFacts(NEXT_HOP, NEXT_HOP, ManualPolicy.DANE, SECURE, false, StsFacts.ABSENT),
                HostAddressFacts.direct(MX1, indeterminate), new TlsaFacts.NotQueried("address indeterminate")));
        assertThat(ShadowPlans.relax(plan)).isInstanceOf(ShadowPlan.WouldSkip.class);
    }
}
