package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.envelope;
import static dev.rampart.server.delivery.TestFixtures.message;
import static dev.rampart.server.delivery.TestFixtures.params;
import static dev.rampart.server.delivery.TestFixtures.recipients;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.DomainFacts;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostFacts;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.PolicyDecider;
import dev.rampart.policy.decide.StsFacts;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.sts.fetch.StsTrust;
import dev.rampart.queue.QueuedMessage;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The manual levels of {@code tls.policy-map} (rows 1–4, POL-10) through the real Netty client against an
 * in-process SMTP server, with plans built by {@link PolicyDecider} and trust managers by
 * {@link TlsPlan#forHost}: {@code none} never sends STARTTLS; {@code encrypt} never sends MAIL without TLS
 * (QUE-17, POL-05); {@code secure} delivers to a certificate from a CA in the trust store whose SAN is one
 * of the reference names, and refuses anything else.
 */
class ManualLevelDeliveryTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String NEXT_HOP = "manual.example";
    private static final String HOST = "mx.manual.example";
    private static final TestCertificates.IssuedCert ISSUED = TestCertificates.issued(HOST, "Test Mail CA");

    private FakeSmtpServer server;
    private DeliveryClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        server.tls = ISSUED.serverContext();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private static HostPlan.Connect plan(ManualPolicy level) {
        DomainFacts domain = new DomainFacts(NEXT_HOP, NEXT_HOP, level, DnssecStatus.INSECURE, false, StsFacts.ABSENT);
        HostPlan plan = PolicyDecider.decideHost(new HostFacts(domain, HostAddressFacts.direct(HOST, DnssecStatus.INSECURE),
                new TlsaFacts.NotQueried("manual level")));
        return (HostPlan.Connect) plan;
    }

    /** Only the test CA: as with {@code tls.trust-store} set to it (the JDK roots cannot vouch for it anyway). */
    private static X509TrustManager testCa() throws Exception {
        return StsTrust.of(List.of(ISSUED.ca()), false).trustManager();
    }

    private static QueuedMessage simple() {
        return message(envelope(params("sender@origin.example"), Instant.now(), recipients("a@manual.example")),
                "Subject: t\r\n\r\nx\r\n");
    }

    private static void delivers(SessionConnector.OpenResult result) {
        assertThat(result).isInstanceOf(SessionConnector.OpenResult.Opened.class);
        try (DeliverySession session = ((SessionConnector.OpenResult.Opened) result).session()) {
            QueuedMessage msg = simple();
            assertThat(session.deliver(msg, msg.envelope().recipients()).outcomes())
                    .allSatisfy(o -> assertThat(o.verdict().disposition()).isEqualTo(Disposition.DELIVERED));
        }
    }

    @Test
    void row1_noneNeverSendsStartTlsEvenWhenOffered() throws Exception {
        TlsPlan tls = TlsPlan.forHost(plan(ManualPolicy.NONE), InstantSource.system(), testCa());
        assertThat(tls).isInstanceOf(TlsPlan.Plaintext.class);
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, tls);
        assertThat(((SessionConnector.OpenResult.Opened) result).session().tls().logValue()).isEqualTo("none");
        delivers(result);
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).contains("EHLO", "MAIL", "RCPT", "DATA").doesNotContain("STARTTLS");
        assertThat(server.commands).noneMatch(FakeSmtpServer.Command::tls);
        assertThat(server.messages).hasSize(1);
    }

    @Test
    void row2_mayUsesStartTlsWhenOfferedAndPlaintextWhenNot() throws Exception {
        delivers(client.open(HOST, LOOPBACK, TlsPlan.forHost(plan(ManualPolicy.MAY), InstantSource.system(), testCa())));
        server.awaitConnectionsEnded(1);
        assertThat(server.commands).filteredOn(FakeSmtpServer.Command::tls).extracting(c -> FakeSmtpServer.verb(c.line()))
                .contains("MAIL");
        server.tls = null;
        server.commands.clear();
        delivers(client.open(HOST, LOOPBACK, TlsPlan.forHost(plan(ManualPolicy.MAY), InstantSource.system(), testCa())));
        assertThat(server.verbs()).contains("MAIL").doesNotContain("STARTTLS");
    }

    @Test
    void row3_encryptAcceptsAnyCertificateButRequiresTls() throws Exception {
        server.tls = TestCertificates.selfSigned("whatever.example").serverContext();
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK,
                TlsPlan.forHost(plan(ManualPolicy.ENCRYPT), InstantSource.system(), testCa()));
        assertThat(((SessionConnector.OpenResult.Opened) result).session().tls().logValue()).isEqualTo("unauthenticated");
        delivers(result);
        assertThat(server.commands).filteredOn(c -> FakeSmtpServer.verb(c.line()).equals("MAIL"))
                .allMatch(FakeSmtpServer.Command::tls);
    }

    @Test
    void row3_que17_encryptToAServerWithoutStartTlsDefers475WithoutMail() throws Exception {
        server.tls = null;
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK,
                TlsPlan.forHost(plan(ManualPolicy.ENCRYPT), InstantSource.system(), testCa()));
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        Verdict verdict = new DeliveryClassifier().failure(failure);
        assertThat(verdict.status()).isEqualTo("4.7.5");
        assertThat(verdict.diagnostic()).contains("STARTTLS not offered");
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).as("no plaintext retry").isEqualTo(1);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    }

    @Test
    void row4_secureWithATrustedTestCaCertificateForTheMxHostDelivers() throws Exception {
        TlsPlan tls = TlsPlan.forHost(plan(new ManualPolicy.Secure(List.of())), InstantSource.system(), testCa());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, tls);
        assertThat(((SessionConnector.OpenResult.Opened) result).session().tls().logValue()).isEqualTo("pkix");
        delivers(result);
        assertThat(server.sniNames).containsExactly(HOST);
    }

    @Test
    void row4_secureMatchNamesAreAllTriedNotOnlyTheFirst() throws Exception {
        ManualPolicy level = new ManualPolicy.Secure(List.of("first.other.example", HOST));
        delivers(client.open(HOST, LOOPBACK, TlsPlan.forHost(plan(level), InstantSource.system(), testCa())));
    }

    @Test
    void row4_secureWithTheNextHopNameOnTheCertificateDelivers() throws Exception {
        TestCertificates.IssuedCert domainCert = TestCertificates.issued(NEXT_HOP, "Domain CA");
        server.tls = domainCert.serverContext();
        X509TrustManager anchors = StsTrust.of(List.of(domainCert.ca()), false).trustManager();
        delivers(client.open(HOST, LOOPBACK,
                TlsPlan.forHost(plan(new ManualPolicy.Secure(List.of())), InstantSource.system(), anchors)));
    }

    @Test
    void row4_secureWithAWrongNameDefers475WithoutMail() throws Exception {
        ManualPolicy level = new ManualPolicy.Secure(List.of("expected.other.example"));
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK,
                TlsPlan.forHost(plan(level), InstantSource.system(), testCa()));
        assertRefusedWithoutMail(result, "policy map secure: certificate names [mx.manual.example] do not match"
                + " expected.other.example");
    }

    @Test
    void row4_secureWithAnUntrustedIssuerDefers475WithoutMail() throws Exception {
        TestCertificates.IssuedCert rogue = TestCertificates.issued(HOST, "Rogue CA");
        server.tls = rogue.serverContext();
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK,
                TlsPlan.forHost(plan(new ManualPolicy.Secure(List.of())), InstantSource.system(), testCa()));
        assertRefusedWithoutMail(result, "policy map secure: certificate chain not trusted (PKIX)");
    }

    private void assertRefusedWithoutMail(SessionConnector.OpenResult result, String reason) throws Exception {
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        Verdict verdict = new DeliveryClassifier().failure(failure);
        assertThat(verdict.status()).isEqualTo("4.7.5");
        assertThat(verdict.diagnostic()).contains(reason);
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    }
}
