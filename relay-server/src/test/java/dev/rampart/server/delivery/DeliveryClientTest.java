package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.envelope;
import static dev.rampart.server.delivery.TestFixtures.message;
import static dev.rampart.server.delivery.TestFixtures.params;
import static dev.rampart.server.delivery.TestFixtures.recipients;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.Notify;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryClientTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final TestCertificates.ServerCert CERT = TestCertificates.selfSigned("mx.fake.example");

    private FakeSmtpServer server;
    private DeliveryClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private DeliverySession open(TlsPlan plan) {
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK, plan);
        assertThat(result).isInstanceOf(SessionConnector.OpenResult.Opened.class);
        return ((SessionConnector.OpenResult.Opened) result).session();
    }

    private static QueuedMessage simple(String body, String... rcpts) {
        return message(envelope(params("sender@origin.example"), Instant.now(), recipients(rcpts)), body);
    }

    private static List<Disposition> dispositions(TransactionResult result) {
        return result.outcomes().stream().map(o -> o.verdict().disposition()).toList();
    }

    @Test
    void pipelinedTransactionWithMultiLineGreeting() {
        server.greeting = "220-fake.example first line\r\n220 fake.example ESMTP";
        QueuedMessage msg = simple("Subject: hi\r\n\r\nbody\r\n", "a@dest.example", "b@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            TransactionResult result = session.deliver(msg, msg.envelope().recipients());
            assertThat(dispositions(result)).containsExactly(Disposition.DELIVERED, Disposition.DELIVERED);
            assertThat(result.outcomes().get(0).verdict().diagnostic()).isEqualTo("250 2.0.0 Ok: queued as FAKE");
            assertThat(session.tls()).isInstanceOf(ObservedTls.None.class);
        }
        assertThat(server.verbs()).startsWith("EHLO", "MAIL", "RCPT", "RCPT", "DATA");
        // RFC 2920: MAIL and both RCPTs went out in one flush
        assertThat(server.commands.get(1).moreBuffered()).isTrue();
        assertThat(server.lines().get(1)).isEqualTo("MAIL FROM:<sender@origin.example> SIZE=" + msg.bodySize());
        assertThat(new String(server.messages.get(0), StandardCharsets.UTF_8)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void lockStepWithoutPipelining() {
        server.extensions = List.of("8BITMIME");
        QueuedMessage msg = simple("x\r\n", "a@dest.example", "b@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsOnly(Disposition.DELIVERED);
        }
        assertThat(server.commands.stream().filter(c -> !c.line().startsWith("QUIT")).map(FakeSmtpServer.Command::moreBuffered))
                .containsOnly(false);
    }

    @Test
    void ehloRejectedFallsBackToHelo() {
        server.reply = (c, line) -> line.startsWith("EHLO") ? "502 5.5.2 EHLO not supported" : null;
        QueuedMessage msg = simple("x\r\n", "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
        }
        assertThat(server.verbs()).startsWith("EHLO", "HELO", "MAIL", "RCPT", "DATA");
        assertThat(server.lines().get(1)).isEqualTo("HELO relay.test");
        assertThat(server.lines().get(2)).isEqualTo("MAIL FROM:<sender@origin.example>");
    }

    @Test
    void dotStuffingAndMissingFinalCrlfSub07() {
        String body = ".first line starts with a dot\r\nmiddle\r\n..two dots\r\n.\r\nlast line without CRLF";
        QueuedMessage msg = simple(body, "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
        }
        String raw = new String(server.messages.get(0), StandardCharsets.UTF_8);
        assertThat(raw).isEqualTo("..first line starts with a dot\r\nmiddle\r\n...two dots\r\n..\r\nlast line without CRLF\r\n");
        assertThat(FakeSmtpServer.unstuffed(server.messages.get(0))).isEqualTo(body + "\r\n");
    }

    @Test
    void largeBodyCrossesBlockBoundaries() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append(i % 7 == 0 ? "." : "").append("line ").append(i).append("\r\n");
        }
        QueuedMessage msg = simple(sb.toString(), "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
        }
        assertThat(FakeSmtpServer.unstuffed(server.messages.get(0))).isEqualTo(sb.toString());
    }

    @Test
    void dsnParametersRelayedWhenOfferedQue14() {
        MessageParams p = new MessageParams("s@origin.example", BodyType.EIGHT_BIT_MIME, false, "env id+1", Ret.HDRS,
                TlsTag.DEFAULT, "c", "");
        List<RecipientStatus> rcpts = List.of(
                new RecipientStatus(0, new RecipientSpec("a@dest.example", "rfc822;orig=a@x.example",
                        Set.of(Notify.SUCCESS, Notify.FAILURE)), RecipientState.QUEUED, 0, Instant.EPOCH, "", "", false),
                new RecipientStatus(1, RecipientSpec.of("b@dest.example"), RecipientState.QUEUED, 0, Instant.EPOCH, "", "",
                        false));
        QueuedMessage msg = message(envelope(p, Instant.now(), rcpts), "x\r\n");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            TransactionResult result = session.deliver(msg, rcpts);
            assertThat(result.peerDsn()).isTrue();
        }
        assertThat(server.lines().get(1))
                .isEqualTo("MAIL FROM:<s@origin.example> SIZE=3 BODY=8BITMIME RET=HDRS ENVID=env+20id+2B1");
        assertThat(server.lines().get(2))
                .isEqualTo("RCPT TO:<a@dest.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;orig+3Da@x.example");
        assertThat(server.lines().get(3)).isEqualTo("RCPT TO:<b@dest.example> ORCPT=rfc822;b@dest.example");
    }

    @Test
    void noDsnParametersWithoutDsnQue14() {
        server.extensions = List.of("PIPELINING");
        List<RecipientStatus> rcpts = List.of(new RecipientStatus(0, new RecipientSpec("a@dest.example", "",
                Set.of(Notify.SUCCESS)), RecipientState.QUEUED, 0, Instant.EPOCH, "", "", false));
        QueuedMessage msg = message(envelope(params("s@origin.example"), Instant.now(), rcpts), "x\r\n");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(session.deliver(msg, rcpts).peerDsn()).isFalse();
        }
        assertThat(server.lines().get(1)).isEqualTo("MAIL FROM:<s@origin.example>");
        assertThat(server.lines().get(2)).isEqualTo("RCPT TO:<a@dest.example>");
    }

    @Test
    void opportunisticStartTlsThenFreshEhlo() {
        server.tls = CERT.serverContext();
        QueuedMessage msg = simple("x\r\n", "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
            ObservedTls.Negotiated tls = (ObservedTls.Negotiated) session.tls();
            assertThat(tls.protocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(tls.peerCertificate()).contains("CN=mx.fake.example");
            assertThat(tls.logValue()).isEqualTo("unauthenticated");
        }
        assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "MAIL");
        assertThat(server.commands.stream().filter(c -> c.line().startsWith("MAIL")).map(FakeSmtpServer.Command::tls))
                .containsOnly(true);
        assertThat(server.sniNames).containsExactly("mx.fake.example");
        assertThat(server.tlsProtocols).doesNotContain("TLSv1.1", "TLSv1");
    }

    @Test
    void addressLiteralHostSendsNoSniMx02() {
        server.tls = CERT.serverContext();
        SessionConnector.OpenResult result = client.open("[127.0.0.1]", LOOPBACK, TlsPlan.opportunistic());
        try (DeliverySession session = ((SessionConnector.OpenResult.Opened) result).session()) {
            assertThat(session.tls()).isInstanceOf(ObservedTls.Negotiated.class);
        }
        assertThat(server.sniNames).isEmpty();
    }

    @Test
    void opportunisticTlsAcceptsAnyCertificateNameWithoutVerification() {
        // Netty 4.2 would verify the name like HTTPS unless told not to
        server.tls = TestCertificates.selfSigned("some-other-name.example").serverContext();
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(session.tls()).isInstanceOf(ObservedTls.Negotiated.class);
        }
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void opportunisticHandshakeFailureRetriesPlaintextPol06() {
        server.tls = CERT.serverContext();
        server.afterStartTls = "this is not a TLS handshake";
        QueuedMessage msg = simple("x\r\n", "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(session.tls()).isInstanceOf(ObservedTls.None.class);
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
        }
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.commands.stream().filter(c -> c.connection() == 2).map(c -> FakeSmtpServer.verb(c.line())))
                .startsWith("EHLO", "MAIL").doesNotContain("STARTTLS");
    }

    @Test
    void refusedStartTlsContinuesInPlaintextWhenOpportunistic() {
        server.tls = CERT.serverContext();
        server.reply = (c, line) -> line.equals("STARTTLS") ? "454 4.7.0 TLS not available" : null;
        QueuedMessage msg = simple("x\r\n", "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
        }
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "MAIL");
    }

    @Test
    void ehloRefusedAfterTlsFailsTheSessionInsteadOfFallingBack() throws Exception {
        server.tls = CERT.serverContext();
        server.reply = (c, line) -> line.startsWith("EHLO") && server.commands.size() > 2 ? "421 4.3.2 going away" : null;
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK, TlsPlan.opportunistic());
        assertThat(((SessionConnector.OpenResult.Failed) result).failure())
                .isEqualTo(new SessionFailure.Rejected(Stage.EHLO, SmtpReply.of(421, "4.3.2 going away")));
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void greetingTimeoutQue08() {
        client.close();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofMillis(300)));
        server.greeting = FakeSmtpServer.HANG;
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK, TlsPlan.opportunistic());
        // RPT-02: the failure keeps our address for TLS-RPT's sending-mta-ip.
        assertThat(result).isEqualTo(new SessionConnector.OpenResult.Failed(new SessionFailure.Timeout(Stage.GREETING),
                ObservedTls.none(), "127.0.0.1"));
    }

    @Test
    void endOfDataTimeoutDefersQue08() {
        client.close();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofMillis(500)));
        server.reply = (c, line) -> line.equals("<end-of-data>") ? FakeSmtpServer.HANG : null;
        QueuedMessage msg = simple("x\r\n", "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            Verdict v = session.deliver(msg, msg.envelope().recipients()).outcomes().get(0).verdict();
            assertThat(v.disposition()).isEqualTo(Disposition.DEFER);
            assertThat(v.status()).isEqualTo("4.4.2");
            assertThat(v.diagnostic()).contains("end of data");
            assertThat(session.reusable()).isFalse();
        }
    }

    @Test
    void connectionDropMidDataCountsAs451Que07() {
        server.dropAfterDataLines = 2;
        QueuedMessage msg = simple("l1\r\nl2\r\nl3\r\nl4\r\n", "a@dest.example", "b@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            TransactionResult result = session.deliver(msg, msg.envelope().recipients());
            assertThat(dispositions(result)).containsExactly(Disposition.DEFER, Disposition.DEFER);
            assertThat(result.outcomes().get(0).verdict().diagnostic()).startsWith("451 ");
            assertThat(session.reusable()).isFalse();
        }
        assertThat(server.messages).isEmpty();
    }

    @Test
    void rcpt452LeavesOthersDeliveredQue05() {
        server.reply = (c, line) -> line.startsWith("RCPT TO:<b@") ? "452 4.5.3 too many recipients" : null;
        QueuedMessage msg = simple("x\r\n", "a@dest.example", "b@dest.example", "c@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            TransactionResult result = session.deliver(msg, msg.envelope().recipients());
            assertThat(dispositions(result)).containsExactly(Disposition.DELIVERED, Disposition.DEFER, Disposition.DELIVERED);
            assertThat(result.outcomes().get(1).verdict().status()).isEqualTo("4.5.3");
        }
    }

    @Test
    void mailRejectedBouncesThisMessageOnlyAndSessionIsReusedWithRsetQue06() throws Exception {
        server.reply = (c, line) -> line.startsWith("MAIL FROM:<bad@") ? "550 5.7.1 sender refused" : null;
        QueuedMessage bad = message(envelope(params("bad@origin.example"), Instant.now(), recipients("a@dest.example")), "x\r\n");
        QueuedMessage good = simple("y\r\n", "a@dest.example");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            Verdict v = session.deliver(bad, bad.envelope().recipients()).outcomes().get(0).verdict();
            assertThat(v.disposition()).isEqualTo(Disposition.BOUNCE);
            assertThat(v.status()).isEqualTo("5.7.1");
            assertThat(session.reset()).isTrue();
            assertThat(dispositions(session.deliver(good, good.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
        }
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).containsSubsequence("MAIL", "RSET", "MAIL", "DATA", "QUIT");
    }

    @Test
    void missingSmtpUtf8TriesAnotherHostQue19() {
        MessageParams p = new MessageParams("s@origin.example", BodyType.SEVEN_BIT, true, "", Ret.UNSPECIFIED,
                TlsTag.DEFAULT, "c", "");
        QueuedMessage msg = message(envelope(p, Instant.now(), recipients("ü@dest.example")), "x\r\n");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            Verdict v = session.deliver(msg, msg.envelope().recipients()).outcomes().get(0).verdict();
            assertThat(v).isEqualTo(new Verdict(Disposition.TRY_NEXT_HOST, "5.6.7",
                    "the message needs SMTPUTF8 and the server does not offer it"));
        }
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void eightBitBodyToSevenBitPeerFails563Que19() {
        server.extensions = List.of("PIPELINING");
        MessageParams p = new MessageParams("s@origin.example", BodyType.EIGHT_BIT_MIME, false, "", Ret.UNSPECIFIED,
                TlsTag.DEFAULT, "c", "");
        QueuedMessage msg = message(envelope(p, Instant.now(), recipients("a@dest.example")), "x\r\n");
        try (DeliverySession session = open(TlsPlan.opportunistic())) {
            Verdict v = session.deliver(msg, msg.envelope().recipients()).outcomes().get(0).verdict();
            assertThat(v.status()).isEqualTo("5.6.3");
            assertThat(new DeliveryClassifier().exhausted(v).disposition()).isEqualTo(Disposition.BOUNCE);
        }
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void connectRefusedIsAConnectFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }
        client.close();
        client = new DeliveryClient(TestFixtures.delivery(closedPort, Duration.ofSeconds(2)));
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK, TlsPlan.opportunistic());
        assertThat(((SessionConnector.OpenResult.Failed) result).failure())
                .isInstanceOf(SessionFailure.ConnectFailed.class);
    }

    // ---- TLS required (QUE-17, POL-05): nothing after EHLO/STARTTLS is ever sent in clear

    private static TlsPlan.Required requiredAcceptAny() {
        return new TlsPlan.Required((X509TrustManager) InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0],
                "mx.fake.example", false, "unauthenticated");
    }

    @ParameterizedTest(name = "TLS required, {0}: no MAIL in clear, no plaintext retry")
    @ValueSource(strings = {"no-starttls", "starttls-454", "handshake-failure", "drop-after-starttls"})
    void tlsRequiredNeverFallsBackToPlaintextQue17Pol05(String scenario) throws Exception {
        switch (scenario) {
            case "no-starttls" -> server.tls = null;
            case "starttls-454" -> {
                server.tls = CERT.serverContext();
                server.reply = (c, line) -> line.equals("STARTTLS") ? "454 4.7.0 TLS not available" : null;
            }
            case "handshake-failure" -> {
                server.tls = CERT.serverContext();
                server.afterStartTls = "250 this is not a TLS handshake";
            }
            case "drop-after-starttls" -> {
                server.tls = CERT.serverContext();
                server.afterStartTls = FakeSmtpServer.DROP;
            }
            default -> throw new IllegalArgumentException(scenario);
        }
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK, requiredAcceptAny());
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        assertThat(new DeliveryClassifier().failure(failure).status()).isEqualTo("4.7.5");
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).isSubsetOf("EHLO", "STARTTLS").doesNotContain("MAIL", "RCPT", "DATA", "QUIT");
    }

    @Test
    void plaintextInjectedAfterStartTlsReplyIsRefused() throws Exception {
        // CVE-2011-0411 class: a reply sent in clear right behind the 220 must never be read as if under TLS
        server.tls = CERT.serverContext();
        server.reply = (c, line) -> line.equals("STARTTLS") ? "220 2.0.0 ready\r\n250 2.0.0 injected" : null;
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK, requiredAcceptAny());
        SessionFailure failure = ((SessionConnector.OpenResult.Failed) result).failure();
        assertThat(failure).isInstanceOf(SessionFailure.TlsRequired.class);
        assertThat(((SessionFailure.TlsRequired) failure).reason()).contains("plaintext data after the STARTTLS reply");
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).containsExactly("EHLO", "STARTTLS");
    }

    @Test
    void tlsRequiredRejectedCertificateNeverFallsBackQue17() throws Exception {
        server.tls = CERT.serverContext();
        X509TrustManager refuseAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not for clients");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("no TLSA match");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SessionConnector.OpenResult result = client.open("mx.fake.example", LOOPBACK,
                new TlsPlan.Required(refuseAll, "mx.fake.example", false, "dane-ee"));
        assertThat(((SessionConnector.OpenResult.Failed) result).failure()).isInstanceOf(SessionFailure.TlsRequired.class);
        server.awaitConnectionsEnded(1);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void tlsRequiredDeliversUnderTls() {
        server.tls = CERT.serverContext();
        QueuedMessage msg = simple("x\r\n", "a@dest.example");
        try (DeliverySession session = open(requiredAcceptAny())) {
            assertThat(dispositions(session.deliver(msg, msg.envelope().recipients())))
                    .containsExactly(Disposition.DELIVERED);
            assertThat(session.tls()).isInstanceOf(ObservedTls.Negotiated.class);
        }
        assertThat(server.commands.stream().filter(c -> !c.tls()).map(c -> FakeSmtpServer.verb(c.line())))
                .containsExactly("EHLO", "STARTTLS");
    }
}
