package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.envelope;
import static dev.rampart.server.delivery.TestFixtures.message;
import static dev.rampart.server.delivery.TestFixtures.params;
import static dev.rampart.server.delivery.TestFixtures.recipients;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.TlsRequirement;
import dev.rampart.policy.decide.TlsRptRecording;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.fetch.StsTrust;
import dev.rampart.queue.QueuedMessage;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Netty client against a real TLS server (BouncyCastle certificate) under DANE plans built the
 * way delivery builds them ({@link TlsPlan#forHost}): a matching {@code 3 1 1} authenticates as
 * {@code dane-ee}; a mismatch or any STARTTLS problem fails with the precise reason, and the receiver
 * never sees MAIL in clear (DANE-07, DANE-10, QUE-17, issue acceptance 4).
 */
class DaneHandshakeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String HOST = "mx.dane.example";
    private static final TestCertificates.ServerCert CERT = TestCertificates.selfSigned("not-the-mx.example");

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

    private static byte[] spkiSha256() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(CERT.certificate().getPublicKey().getEncoded());
    }

    private static HostPlan.Connect danePlan(TlsaRecord record) {
        return new HostPlan.Connect(HOST, TlsRequirement.REQUIRED, new Authentication.Dane(List.of(record), List.of(HOST)),
                HOST, HOST, List.of(record), "TLSv1.2", AppliedPolicy.DANE, "test plan",
                new TlsRptRecording.NotRecorded("test"));
    }

    /** A host whose TLSA base is another name (an alias, DANE-03): SNI must carry the base (DANE-13). */
    private static HostPlan.Connect danePlanWithBase(TlsaRecord record, String base) {
        return new HostPlan.Connect(HOST, TlsRequirement.REQUIRED, new Authentication.Dane(List.of(record), List.of(base)),
                base, base, List.of(record), "TLSv1.2", AppliedPolicy.DANE, "test plan",
                new TlsRptRecording.NotRecorded("test"));
    }

    private static QueuedMessage simple() {
        return message(envelope(params("sender@origin.example"), Instant.now(), recipients("a@dane.example")),
                "x\r\n");
    }

    @Test
    void matching311AuthenticatesAsDaneEeWithoutNameOrIssuerChecksDane10() throws Exception {
        TlsPlan plan = TlsPlan.forHost(danePlan(new TlsaRecord(3, 1, 1, spkiSha256())), InstantSource.system(),
                TlsPlan.jdkRoots());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, plan);
        assertThat(result).isInstanceOf(SessionConnector.OpenResult.Opened.class);
        try (DeliverySession session = ((SessionConnector.OpenResult.Opened) result).session()) {
            assertThat(session.tls().logValue()).isEqualTo("dane-ee");
            QueuedMessage msg = simple();
            assertThat(session.deliver(msg, msg.envelope().recipients()).outcomes())
                    .allSatisfy(o -> assertThat(o.verdict().disposition()).isEqualTo(Disposition.DELIVERED));
        }
        assertThat(server.commands).filteredOn(c -> !c.tls()).extracting(c -> FakeSmtpServer.verb(c.line()))
                .containsExactly("EHLO", "STARTTLS");
        assertThat(server.commands).filteredOn(c -> c.tls()).extracting(c -> FakeSmtpServer.verb(c.line()))
                .contains("EHLO", "MAIL");
    }

    @Test
    void issuerMatching201AuthenticatesAsDaneTaDane11() throws Exception {
        TestCertificates.IssuedCert issued = TestCertificates.issued(HOST, "Test Mail CA");
        server.tls = issued.serverContext();
        byte[] caDigest = MessageDigest.getInstance("SHA-256").digest(issued.ca().getEncoded());
        TlsPlan plan = TlsPlan.forHost(danePlan(new TlsaRecord(2, 0, 1, caDigest)), InstantSource.system(),
                TlsPlan.jdkRoots());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, plan);
        assertThat(result).isInstanceOf(SessionConnector.OpenResult.Opened.class);
        try (DeliverySession session = ((SessionConnector.OpenResult.Opened) result).session()) {
            assertThat(session.tls().logValue()).isEqualTo("dane-ta");
        }
    }

    @Test
    void daneTaLeafWithoutAReferenceNameFailsDane14() throws Exception {
        TestCertificates.IssuedCert issued = TestCertificates.issued("elsewhere.example", "Test Mail CA");
        server.tls = issued.serverContext();
        byte[] caDigest = MessageDigest.getInstance("SHA-256").digest(issued.ca().getEncoded());
        TlsPlan plan = TlsPlan.forHost(danePlan(new TlsaRecord(2, 0, 1, caDigest)), InstantSource.system(),
                TlsPlan.jdkRoots());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, plan);
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        assertThat(new DeliveryClassifier().failure(failure).status()).isEqualTo("4.7.5");
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void sniIsTheTlsaBaseDomainAndTlsIsAtLeast12Dane13() throws Exception {
        TlsPlan plan = TlsPlan.forHost(danePlanWithBase(new TlsaRecord(3, 1, 1, spkiSha256()), "base.dane.example"),
                InstantSource.system(), TlsPlan.jdkRoots());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, plan);
        assertThat(result).isInstanceOf(SessionConnector.OpenResult.Opened.class);
        ((SessionConnector.OpenResult.Opened) result).session().close();
        assertThat(server.sniNames).containsExactly("base.dane.example");
        assertThat(server.tlsProtocols).singleElement().isIn("TLSv1.2", "TLSv1.3");
    }

    @Test
    void mismatchFailsWithTheVerifierReasonAndNoMailDane07() throws Exception {
        byte[] other = spkiSha256();
        other[0] ^= 1;
        TlsPlan plan = TlsPlan.forHost(danePlan(new TlsaRecord(3, 1, 1, other)), InstantSource.system(),
                TlsPlan.jdkRoots());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, plan);
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        String leaf = HexFormat.of().formatHex(Arrays.copyOf(spkiSha256(), 4));
        Verdict verdict = new DeliveryClassifier().failure(failure);
        assertThat(verdict.status()).isEqualTo("4.7.5");
        assertThat(verdict.diagnostic()).startsWith("no TLSA record matched").contains(leaf);
        assertThat(((DaneTrustManager) ((TlsPlan.Required) plan).trustManager()).verdict()).isPresent();
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    }

    @ParameterizedTest(name = "DANE required, {0}: precise reason, no MAIL in clear, no plaintext retry")
    @ValueSource(strings = {"no-starttls", "starttls-454", "handshake-failure", "drop-after-starttls"})
    void everyStartTlsFailureUnderDaneStopsBeforeMailQue17(String scenario) throws Exception {
        String expected = switch (scenario) {
            case "no-starttls" -> {
                server.tls = null;
                yield "STARTTLS not offered but DANE TLSA records require TLS";
            }
            case "starttls-454" -> {
                server.reply = (c, line) -> line.equals("STARTTLS") ? "454 4.7.0 TLS not available" : null;
                yield "STARTTLS refused: 454 4.7.0 TLS not available; DANE TLSA records require TLS";
            }
            case "handshake-failure" -> {
                server.afterStartTls = "250 this is not a TLS handshake";
                yield "DANE TLSA records require TLS";
            }
            case "drop-after-starttls" -> {
                server.afterStartTls = FakeSmtpServer.DROP;
                yield "DANE TLSA records require TLS";
            }
            default -> throw new IllegalArgumentException(scenario);
        };
        TlsPlan plan = TlsPlan.forHost(danePlan(new TlsaRecord(3, 1, 1, spkiSha256())), InstantSource.system(),
                TlsPlan.jdkRoots());
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, plan);
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        assertThat(new DeliveryClassifier().failure(failure).diagnostic()).contains(expected);
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).isSubsetOf("EHLO", "STARTTLS").doesNotContain("MAIL", "RCPT", "DATA", "QUIT");
    }

    @Test
    void probeShowsTheChainAndTheMatchedRecordAndSendsNoMail() throws Exception {
        TlsaRecord record = new TlsaRecord(3, 1, 1, spkiSha256());
        HostPlan.Connect connect = danePlan(record);
        DestinationPlan plan = new DestinationPlan("dane.example", ManualPolicy.DANE,
                new MxResolution.Hosts("dane.example", List.of(),
                        DnssecStatus.SECURE, false, List.of()),
                new DomainPlan.Fail("5.1.2", "unused"),
                List.of(new DestinationPlan.PlannedHost(
                        new MxHost(HOST, 10, List.of(LOOPBACK), DnssecStatus.SECURE),
                        HostAddressFacts.direct(HOST, DnssecStatus.SECURE),
                        List.of("_25._tcp." + HOST), new TlsaFacts.NotQueried("unused"), connect)));
        List<ProbeReport> reports = new PolicyProbe(client, InstantSource.system(), StsTrust.of(List.of(), true).trustManager()).probe(plan);
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("ok");
            assertThat(r.tls()).isEqualTo("dane-ee");
            assertThat(r.dane()).startsWith("dane-ee matched 3 1 1");
            assertThat(r.chain()).singleElement().satisfies(c -> {
                assertThat(c.subject()).contains("not-the-mx.example");
                assertThat(c.spkiSha256()).isEqualTo(HexFormat.of().formatHex(spkiSha256()));
            });
        });
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
    }
}
