package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.TlsRequirement;
import dev.rampart.policy.decide.TlsRptRecording;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.fetch.StsTrust;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Netty client against a real TLS server under an MTA-STS {@code enforce} plan built the way
 * delivery builds it ({@link TlsPlan#forHost}): PKIX to the configured anchors (JDK roots plus the
 * {@code tls.trust-store} CA), SAN = MX host name, SNI = MX host name (STS-18); any failure ends the
 * session before MAIL with a precise reason, never in plaintext (STS-19, QUE-17).
 */
class StsHandshakeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String HOST = "mx1.sts.example";
    private static final TestCertificates.IssuedCert CERT = TestCertificates.issued(HOST, "Test Mail CA");

    private FakeSmtpServer server;
    private DeliveryClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        server.tls = CERT.serverContext();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    static HostPlan.Connect enforcePlan(String host) {
        return new HostPlan.Connect(host, TlsRequirement.REQUIRED, new Authentication.Pkix(List.of(host)), host, "",
                List.of(), "TLSv1.2", AppliedPolicy.MTA_STS, "test plan", new TlsRptRecording.NotRecorded("test"));
    }

    /** What the relay builds from tls.trust-store: the JDK roots plus the bundle's CAs. */
    static X509TrustManager trustStoreWith(X509Certificate... cas) throws Exception {
        return StsTrust.of(List.of(cas), true).trustManager();
    }

    private SessionConnector.OpenResult open(X509TrustManager trust) {
        return client.open(HOST, LOOPBACK, TlsPlan.forHost(enforcePlan(HOST), InstantSource.system(), trust));
    }

    private List<String> verbsUnderTls(boolean tls) {
        return server.commands.stream().filter(c -> c.tls() == tls).map(c -> FakeSmtpServer.verb(c.line())).toList();
    }

    @Test
    void aCertificateFromTheConfiguredTrustStoreAuthenticatesAsPkixWithSniOfTheMxHostSts18() throws Exception {
        SessionConnector.OpenResult result = open(trustStoreWith(CERT.ca()));
        assertThat(result).isInstanceOfSatisfying(SessionConnector.OpenResult.Opened.class, opened -> {
            assertThat(opened.session().tls().logValue()).isEqualTo("pkix");
            opened.session().close();
        });
        assertThat(server.sniNames).containsExactly(HOST);
        assertThat(server.tlsProtocols).singleElement().isIn("TLSv1.2", "TLSv1.3");
    }

    @Test
    void theSameCertificateWithoutItsCaInTheTrustStoreFailsBeforeMailSts18Sts19() throws Exception {
        SessionConnector.OpenResult result = open(trustStoreWith());
        assertThat(result).isInstanceOfSatisfying(SessionConnector.OpenResult.Failed.class, failed ->
                assertThat(failed.failure()).isInstanceOfSatisfying(SessionFailure.TlsRequired.class, r ->
                        assertThat(r.reason()).startsWith("MTA-STS enforce: certificate chain not trusted (PKIX)")));
        server.awaitConnectionsEnded(1);
        assertThat(verbsUnderTls(false)).containsExactly("EHLO", "STARTTLS");
        assertThat(verbsUnderTls(true)).isEmpty();
    }

    @Test
    void aTrustedCertificateForAnotherNameFailsWithTheNamesItCarriesSts18() throws Exception {
        TestCertificates.IssuedCert other = TestCertificates.issued("mail.elsewhere.example", "Other CA");
        server.tls = other.serverContext();
        SessionConnector.OpenResult result = open(trustStoreWith(other.ca()));
        assertThat(result).isInstanceOfSatisfying(SessionConnector.OpenResult.Failed.class, failed ->
                assertThat(failed.failure()).isInstanceOfSatisfying(SessionFailure.TlsRequired.class, r ->
                        assertThat(r.reason()).isEqualTo("MTA-STS enforce: certificate names [mail.elsewhere.example]"
                                + " do not match " + HOST + " (SAN dNSName required, CN ignored)")));
        server.awaitConnectionsEnded(1);
        assertThat(verbsUnderTls(true)).isEmpty();
    }

    @Test
    void noStarttlsIsAPolicyFailureNeverPlaintextSts19Que17() throws Exception {
        server.tls = null;
        SessionConnector.OpenResult result = open(trustStoreWith(CERT.ca()));
        assertThat(result).isInstanceOfSatisfying(SessionConnector.OpenResult.Failed.class, failed ->
                assertThat(failed.failure()).isInstanceOfSatisfying(SessionFailure.TlsRequired.class, r ->
                        assertThat(r.reason()).isEqualTo("STARTTLS not offered but MTA-STS enforce requires TLS")));
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).containsExactly("EHLO");
    }

    private static DestinationPlan planFor(HostPlan.Connect connect) {
        return new DestinationPlan("sts.example", ManualPolicy.DANE,
                new MxResolution.Hosts("sts.example", List.of(), DnssecStatus.INSECURE, false, List.of()),
                new DomainPlan.Fail("5.1.2", "unused"),
                List.of(new DestinationPlan.PlannedHost(new MxHost(HOST, 10, List.of(LOOPBACK), DnssecStatus.INSECURE),
                        HostAddressFacts.direct(HOST, DnssecStatus.INSECURE), List.of(),
                        new TlsaFacts.NotQueried("unused"), connect)));
    }

    @Test
    void theProbeChecksTheCertificateAgainstTheSameTrustStoreAndSendsNoMail() throws Exception {
        List<ProbeReport> trusted = new PolicyProbe(client, InstantSource.system(), trustStoreWith(CERT.ca()))
                .probe(planFor(enforcePlan(HOST)));
        assertThat(trusted).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("ok");
            assertThat(r.tls()).isEqualTo("pkix");
        });
        List<ProbeReport> untrusted = new PolicyProbe(client, InstantSource.system(), trustStoreWith())
                .probe(planFor(enforcePlan(HOST)));
        assertThat(untrusted).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("failed");
            assertThat(r.detail()).startsWith("MTA-STS enforce").contains("certificate chain not trusted (PKIX)");
        });
        server.awaitConnectionsEnded(2);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    }

    @Test
    void everyConnectionGetsItsOwnPkixCheckSoOneRefusalNeverLeaksIntoAnother() throws Exception {
        X509TrustManager trust = trustStoreWith(CERT.ca());
        TlsPlan first = TlsPlan.forHost(enforcePlan(HOST), InstantSource.system(), trust);
        TlsPlan second = TlsPlan.forHost(enforcePlan(HOST), InstantSource.system(), trust);
        assertThat(((TlsPlan.Required) first).trustManager()).isNotSameAs(((TlsPlan.Required) second).trustManager());
        assertThat(((TlsPlan.Required) first).verifyHostname()).isFalse();
        assertThat(((TlsPlan.Required) first).peerName()).isEqualTo(HOST);
    }
}
