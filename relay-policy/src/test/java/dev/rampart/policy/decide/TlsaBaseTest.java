package dev.rampart.policy.decide;

import static dev.rampart.policy.decide.DecideFixtures.daneEe;
import static dev.rampart.policy.decide.DecideFixtures.domain;
import static dev.rampart.policy.decide.DecideFixtures.failure;
import static dev.rampart.policy.decide.DecideFixtures.noData;
import static dev.rampart.policy.decide.DecideFixtures.nxDomain;
import static dev.rampart.policy.decide.DecideFixtures.tlsa;
import static dev.rampart.policy.decide.DecideFixtures.tlsaAt;
import static dev.rampart.policy.dns.DnssecStatus.BOGUS;
import static dev.rampart.policy.dns.DnssecStatus.INDETERMINATE;
import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DANE-01, DANE-03, DANE-04: which TLSA names are asked, and which answer sets the base domain. */
class TlsaBaseTest {
    private static final String MX = "mx.example.com";
    private static final String TARGET = "mail.provider.net";

    static Stream<Arguments> candidateTable() {
        return Stream.of(
                Arguments.of("DANE-03 non-alias, secure address", SECURE, MX, SECURE, SECURE, List.of(MX)),
                Arguments.of("DANE-03 alias, whole expansion secure", SECURE, TARGET, SECURE, SECURE, List.of(TARGET, MX)),
                Arguments.of("DANE-03 secure CNAME, insecure final address", SECURE, TARGET, SECURE, INSECURE, List.of(MX)),
                Arguments.of("DANE-01 insecure CNAME", SECURE, TARGET, INSECURE, SECURE, List.of()),
                Arguments.of("DANE-01 insecure CNAME and address", SECURE, TARGET, INSECURE, INSECURE, List.of()),
                Arguments.of("DANE-01 non-alias, insecure address", SECURE, MX, SECURE, INSECURE, List.of()),
                Arguments.of("DANE-01 non-alias, indeterminate address", SECURE, MX, SECURE, INDETERMINATE, List.of()),
                Arguments.of("DANE-01 insecure MX RRset", INSECURE, MX, SECURE, SECURE, List.of()),
                Arguments.of("DANE-01 insecure MX RRset, alias", INSECURE, TARGET, SECURE, SECURE, List.of()),
                Arguments.of("DANE-01 indeterminate MX RRset (DNS-02)", INDETERMINATE, MX, SECURE, SECURE, List.of()),
                Arguments.of("DANE-01 bogus MX RRset", BOGUS, MX, SECURE, SECURE, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("candidateTable")
    void candidates_DANE01_DANE03(String what, DnssecStatus mx, String expanded, DnssecStatus alias,
                                  DnssecStatus address, List<String> expected) {
        DomainFacts d = domain(ManualPolicy.DANE, mx);
        HostAddressFacts h = new HostAddressFacts(MX, expanded, alias, address);
        assertThat(TlsaBase.candidates(d, h)).isEqualTo(expected);
        assertThat(TlsaBase.queryNames(d, h, TlsaBase.SMTP_PORT))
                .isEqualTo(expected.stream().map(n -> "_25._tcp." + n).toList());
        if (expected.isEmpty()) {
            assertThat(TlsaBase.choose(d, h, Map.of())).isInstanceOfSatisfying(TlsaFacts.NotQueried.class,
                    n -> assertThat(n.reason()).contains("not looked up").contains("DANE-01"));
        }
    }

    @Test
    void queryNameUsesThePort_DANE01() {
        assertThat(TlsaBase.queryName(MX, 25)).isEqualTo("_25._tcp.mx.example.com");
        assertThat(TlsaBase.queryName(MX, 2525)).isEqualTo("_2525._tcp.mx.example.com");
    }

    private static final DomainFacts SECURE_MX = domain(ManualPolicy.DANE, SECURE);
    private static final HostAddressFacts ALIAS = new HostAddressFacts(MX, TARGET, SECURE, SECURE);

    static Stream<Arguments> chooseTable() {
        DnsResult<TlsaRecord> records = tlsa(SECURE, daneEe(1));
        DnsResult<TlsaRecord> other = tlsa(SECURE, daneEe(2));
        return Stream.of(
                Arguments.of("DANE-03 expanded name has secure TLSA: it is the base",
                        Map.of(TARGET, records, MX, other), TARGET, records),
                Arguments.of("DANE-03 expanded secure NODATA: fall back to the original name",
                        Map.of(TARGET, noData(SECURE), MX, other), MX, other),
                Arguments.of("DANE-03 expanded secure NXDOMAIN: fall back to the original name",
                        Map.of(TARGET, nxDomain(SECURE), MX, other), MX, other),
                Arguments.of("DANE-03 expanded insecure TLSA does not count: fall back",
                        Map.of(TARGET, tlsa(INSECURE, daneEe(1)), MX, other), MX, other),
                Arguments.of("DANE-05 expanded lookup failure decides, never skipped over",
                        Map.of(TARGET, failure(FailureKind.SERVFAIL, "upstream SERVFAIL"), MX, other), TARGET,
                        failure(FailureKind.SERVFAIL, "upstream SERVFAIL")),
                Arguments.of("DANE-05 expanded bogus decides",
                        Map.of(TARGET, failure(FailureKind.BOGUS, "RRSIG expired"), MX, other), TARGET,
                        failure(FailureKind.BOGUS, "RRSIG expired")),
                Arguments.of("DNS-02 indeterminate records count as bogus and decide",
                        Map.of(TARGET, tlsa(INDETERMINATE, daneEe(1)), MX, other), TARGET, tlsa(INDETERMINATE, daneEe(1))),
                Arguments.of("DANE-09 no secure TLSA anywhere: the first candidate's answer",
                        Map.of(TARGET, noData(SECURE), MX, nxDomain(INSECURE)), TARGET, noData(SECURE)),
                Arguments.of("a forgotten question is a failure, not an absence",
                        Map.of(TARGET, noData(SECURE)), MX, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chooseTable")
    void choose_DANE03_DANE05(String what, Map<String, DnsResult<TlsaRecord>> answers, String base,
                              DnsResult<TlsaRecord> expected) {
        TlsaFacts facts = TlsaBase.choose(SECURE_MX, ALIAS, answers);
        assertThat(facts).isInstanceOfSatisfying(TlsaFacts.Answer.class, a -> {
            assertThat(a.baseDomain()).isEqualTo(base);
            if (expected == null) {
                assertThat(a.result()).isInstanceOfSatisfying(DnsResult.Failure.class,
                        f -> assertThat(f.kind()).isEqualTo(FailureKind.SERVFAIL));
            } else {
                assertThat(a.result()).isEqualTo(expected);
            }
        });
    }

    @Test
    void cnameAtTheTlsaNameKeepsTheHostAsBase_DANE04() {
        HostAddressFacts direct = HostAddressFacts.direct(MX, SECURE);
        DnsResult<TlsaRecord> viaAlias = tlsaAt("_25._tcp.tlsa.provider.net", daneEe(7));
        TlsaFacts facts = TlsaBase.choose(SECURE_MX, direct, Map.of(MX, viaAlias));
        assertThat(facts).isEqualTo(new TlsaFacts.Answer(MX, viaAlias));
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(SECURE_MX, direct, facts));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.tlsaBase()).isEqualTo(MX);
            assertThat(c.sni()).contains(MX);
            assertThat(c.referenceIds()).first().isEqualTo(MX);
        });
    }

    @Test
    void expandedBaseSetsSniAndReferenceIds_DANE03_DANE13() {
        TlsaFacts facts = TlsaBase.choose(SECURE_MX, ALIAS, Map.of(TARGET, tlsa(SECURE, daneEe(1)), MX, noData(SECURE)));
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(SECURE_MX, ALIAS, facts));
        assertThat(plan).isInstanceOfSatisfying(HostPlan.Connect.class, c -> {
            assertThat(c.hostName()).as("logged under the published MX name").isEqualTo(MX);
            assertThat(c.sni()).contains(TARGET);
            assertThat(c.referenceIds()).containsExactly(TARGET, "example.com");
        });
    }
}
