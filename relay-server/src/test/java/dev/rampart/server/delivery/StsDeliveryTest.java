package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.StsFixtures.ScriptedSts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Delivery under an MTA-STS {@code enforce} policy, end to end in process: scheduler, planner with a
 * scripted policy, the real Netty client and a TLS SMTP server on loopback whose certificate comes from a
 * test CA (the {@code tls.trust-store} of the relay). Valid: delivered and logged {@code policy=mta-sts
 * tls=pkix}. Untrusted, or a host the policy does not list: deferred 4.7.5 with the precise reason, and
 * the server never sees MAIL (STS-18, STS-19, QUE-15, QUE-17).
 */
class StsDeliveryTest {
    private static final String HOST = "mx1.sts.example";
    private static final TestCertificates.IssuedCert CERT = TestCertificates.issued(HOST, "Test Mail CA");

    private final Logger logger = (Logger) LoggerFactory.getLogger("rampart.delivery");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final InMemoryQueue queue = new InMemoryQueue(InstantSource.system());
    private final SchedulerFakes.FakeMx mx = new SchedulerFakes.FakeMx();
    private final SchedulerFakes.FakeTlsa tlsa = new SchedulerFakes.FakeTlsa();
    private final SchedulerFakes.FakeDsn dsn = new SchedulerFakes.FakeDsn();
    private final ScriptedSts sts = new ScriptedSts();
    private FakeSmtpServer server;
    private DeliveryClient client;
    private DeliveryScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        appender.start();
        logger.addAppender(appender);
        server = new FakeSmtpServer();
        server.tls = CERT.serverContext();
        mx.answers.put("sts.example", new MxResolution.Hosts("sts.example",
                List.of(new MxHost(HOST, 10, List.of(InetAddress.getLoopbackAddress()), DnssecStatus.INSECURE)),
                DnssecStatus.INSECURE, false, List.of()));
        sts.outcomes.put("sts.example", StsFixtures.policy("sts.example", "enforce", HOST));
    }

    private void scheduler(X509TrustManager trust) {
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(server.port(), Duration.ofSeconds(10)),
                List.of(Duration.ofMinutes(30)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        client = new DeliveryClient(config.delivery());
        scheduler = new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa, sts, PolicyMap.EMPTY), dsn,
                new SimpleMeterRegistry(), InstantSource.system(), client, trust, StsRecheck.NEVER);
    }

    @AfterEach
    void stop() throws Exception {
        if (scheduler != null) {
            scheduler.close();
            client.close();
        }
        server.close();
        logger.detachAppender(appender);
    }

    private QueueId send() throws Exception {
        QueueId id = queue.add(params("s@origin.example"), List.of(RecipientSpec.of("a@sts.example")), "hi\r\n");
        scheduler.runOnce().join();
        return id;
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aCertificateFromTheTrustStoreDeliversLoggedAsMtaStsPkixSts18() throws Exception {
        scheduler(StsHandshakeTest.trustStoreWith(CERT.ca()));
        QueueId id = send();
        assertThat(queue.completed).containsExactly(id);
        assertThat(lines()).singleElement().asString().contains("rcpt=a@sts.example", "status=sent",
                "relay=" + HOST + "[127.0.0.1]", "tls=pkix", "policy=mta-sts ");
        assertThat(server.sniNames).containsExactly(HOST);
        assertThat(server.commands).filteredOn(c -> c.line().startsWith("MAIL")).allMatch(FakeSmtpServer.Command::tls);
    }

    @Test
    void anUntrustedCertificateDefers475AndTheServerNeverSeesMailSts19Que17() throws Exception {
        scheduler(StsHandshakeTest.trustStoreWith());
        QueueId id = send();
        assertThat(queue.completed).doesNotContain(id);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("domain=sts.example", "status=deferred",
                "relay=" + HOST + "[127.0.0.1]", "policy=mta-sts", "dsn=4.7.5",
                "reply=\"MTA-STS enforce: certificate chain not trusted (PKIX)"));
        assertThat(lines()).filteredOn(l -> l.contains(" rcpt=")).singleElement().asString()
                .contains("status=deferred", "policy=mta-sts", "dsn=4.7.5", "MTA-STS enforce: certificate chain not trusted");
    }

    @Test
    void aHostThePolicyDoesNotListIsNeverContactedRow11Sts19() throws Exception {
        sts.outcomes.put("sts.example", StsFixtures.policy("sts.example", "enforce", "mx.elsewhere.example"));
        scheduler(StsHandshakeTest.trustStoreWith(CERT.ca()));
        QueueId id = send();
        assertThat(queue.completed).doesNotContain(id);
        assertThat(server.connections.get()).isZero();
        assertThat(lines()).filteredOn(l -> l.contains(" rcpt=")).singleElement().asString()
                .contains("status=deferred", "policy=mta-sts", "dsn=4.7.5", "not in the MTA-STS policy of sts.example");
    }

    @Test
    void testingModeDeliversDespiteAnUntrustedCertificateSts20() throws Exception {
        sts.outcomes.put("sts.example", StsFixtures.policy("sts.example", "testing", HOST));
        scheduler(StsHandshakeTest.trustStoreWith());
        QueueId id = send();
        assertThat(queue.completed).containsExactly(id);
        assertThat(lines()).filteredOn(l -> l.contains(" rcpt=")).singleElement().asString()
                .contains("status=sent", "policy=mta-sts", "tls=unauthenticated");
    }
}
