package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The trust manager runs the verifier on every server check, throws the precise reason, keeps the verdict. */
class DaneTrustManagerTest {
    private static final TestPki.Issued ROOT = TestPki.cert("CN=Root").ca()
            .validity(TestPki.NOW.minus(Duration.ofDays(30)), TestPki.NOW.plus(Duration.ofDays(900))).selfSigned();
    private static final TestPki.Issued LEAF = TestPki.cert("CN=mx.example.com").san("mx.example.com")
            .signedBy(ROOT);
    private static final TestPki.Issued STRANGER = TestPki.cert("CN=mx.example.com").selfSigned();
    private static final X509Certificate[] CHAIN = {LEAF.cert(), ROOT.cert()};

    private static DaneTrustManager manager(TlsaRecord r, InstantSource clock) {
        return new DaneTrustManager(List.of(r), List.of("mx.example.com"), "mx.example.com", clock);
    }

    @Test
    void matchIsRecordedForEveryOverload_DANE10() throws Exception {
        TlsaRecord r = Tlsa.of(3, 1, 1, LEAF.cert());
        for (int overload = 0; overload < 3; overload++) {
            DaneTrustManager tm = manager(r, InstantSource.fixed(TestPki.NOW));
            assertThat(tm.verdict()).isEmpty();
            switch (overload) {
                case 0 -> tm.checkServerTrusted(CHAIN, "UNKNOWN");
                case 1 -> tm.checkServerTrusted(CHAIN, "UNKNOWN", (Socket) null);
                default -> tm.checkServerTrusted(CHAIN, "UNKNOWN", (SSLEngine) null);
            }
            assertThat(tm.verdict()).hasValue(new DaneVerdict.Matched(DaneMode.EE, r, Optional.empty()));
        }
    }

    @Test
    void mismatchThrowsThePreciseReasonAndRecordsIt_DANE10() {
        DaneTrustManager tm = manager(Tlsa.of(3, 1, 1, STRANGER.cert()), InstantSource.fixed(TestPki.NOW));
        assertThatThrownBy(() -> tm.checkServerTrusted(CHAIN, "UNKNOWN", (SSLEngine) null))
                .isInstanceOfSatisfying(DaneCertificateException.class, e -> {
                    assertThat(e.getMessage()).startsWith("no TLSA record matched: leaf SPKI sha256 ");
                    assertThat(e.failure().kind()).isEqualTo(RptFailure.TLSA_INVALID);
                    assertThat(tm.verdict()).hasValue(e.failure());
                });
    }

    @Test
    void taDatesAreJudgedAtTheInjectedClock_DANE11() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(TestPki.NOW);
        DaneTrustManager tm = manager(Tlsa.of(2, 0, 1, ROOT.cert()), now::get);
        tm.checkServerTrusted(CHAIN, "UNKNOWN");
        assertThat(tm.verdict()).hasValueSatisfying(v -> assertThat(v).isInstanceOf(DaneVerdict.Matched.class));

        now.set(TestPki.NOW.plus(Duration.ofDays(45)));
        assertThatThrownBy(() -> tm.checkServerTrusted(CHAIN, "UNKNOWN"))
                .isInstanceOf(DaneCertificateException.class)
                .hasMessage("DANE-TA chain expired at CN=mx.example.com");
        assertThat(tm.verdict()).hasValue(new DaneVerdict.Failed("DANE-TA chain expired at CN=mx.example.com",
                RptFailure.CERTIFICATE_EXPIRED));
    }

    @Test
    void emptyOrMissingChainFails() {
        DaneTrustManager tm = manager(Tlsa.of(3, 1, 1, LEAF.cert()), InstantSource.fixed(TestPki.NOW));
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[0], "UNKNOWN"))
                .isInstanceOf(DaneCertificateException.class).hasMessage("peer presented no certificate");
        assertThatThrownBy(() -> tm.checkServerTrusted(null, "UNKNOWN"))
                .isInstanceOf(DaneCertificateException.class).hasMessage("peer presented no certificate");
    }

    @Test
    void clientsAreRefusedAndNoIssuersAdvertised() {
        DaneTrustManager tm = manager(Tlsa.of(3, 1, 1, LEAF.cert()), InstantSource.fixed(TestPki.NOW));
        assertThatThrownBy(() -> tm.checkClientTrusted(CHAIN, "UNKNOWN")).isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> tm.checkClientTrusted(CHAIN, "UNKNOWN", (Socket) null))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> tm.checkClientTrusted(CHAIN, "UNKNOWN", (SSLEngine) null))
                .isInstanceOf(CertificateException.class);
        assertThat(tm.getAcceptedIssuers()).isEmpty();
        assertThat(tm.verdict()).isEmpty();
    }

    @Test
    void parametersCarrySniOfTheBaseDomainNoEndpointCheckAndTls12Plus_DANE13() {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setProtocols(new String[] {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"});
        DaneTrustManager tm = manager(Tlsa.of(3, 1, 1, LEAF.cert()), InstantSource.fixed(TestPki.NOW));
        assertThat(tm.applyTo(p)).isSameAs(p);
        assertThat(p.getServerNames()).containsExactly(new SNIHostName("mx.example.com"));
        assertThat(p.getEndpointIdentificationAlgorithm()).isNull();
        assertThat(p.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void sniNameIsNormalisedAndMustBeADomain_DANE13() {
        TlsaRecord r = Tlsa.of(3, 1, 1, LEAF.cert());
        DaneTrustManager tm = new DaneTrustManager(List.of(r), List.of(), "MX.Example.COM.", InstantSource.system());
        assertThat(tm.sniName()).isEqualTo("mx.example.com");
        assertThat(tm.applyTo(new SSLParameters()).getServerNames()).containsExactly(new SNIHostName("mx.example.com"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DaneTrustManager(List.of(r), List.of(), "not a name", InstantSource.system()))
                .withMessage("SNI name is not a domain name: not a name");
    }
}
