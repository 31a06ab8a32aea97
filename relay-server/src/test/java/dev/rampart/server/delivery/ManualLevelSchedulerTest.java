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
import dev.rampart.policy.sts.fetch.StsTrust;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.server.config.RampartConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The policy map through the whole delivery path (scheduler, planner, real Netty client, in-process SMTP
 * server): manual levels ask no TLSA question, log {@code policy=manual}, and {@code encrypt} never sends
 * MAIL in clear (rows 1 and 3, POL-10, QUE-17); {@code secure} checks the certificate against
 * {@code tls.trust-store} and the reference names (row 4).
 */
class ManualLevelSchedulerTest {
    private static final String DOMAIN = "manual.example";
    private final Logger logger = (Logger) LoggerFactory.getLogger("rampart.delivery");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final InMemoryQueue queue = new InMemoryQueue(InstantSource.system());
    private final SchedulerFakes.FakeMx mx = new SchedulerFakes.FakeMx();
    private final SchedulerFakes.FakeTlsa tlsa = new SchedulerFakes.FakeTlsa();
    private final SchedulerFakes.FakeDsn dsn = new SchedulerFakes.FakeDsn();
    private FakeSmtpServer server;
    private DeliveryScheduler scheduler;
    private DeliveryClient client;

    @BeforeEach
    void start() throws Exception {
        appender.start();
        logger.addAppender(appender);
        server = new FakeSmtpServer();
        server.tls = TestCertificates.selfSigned("mx.manual.example").serverContext();
        // A signed domain: without the map entry DANE would be asked for.
        mx.answers.put(DOMAIN, new MxResolution.Hosts(DOMAIN, List.of(new MxHost("mx.manual.example", 10,
                List.of(InetAddress.getLoopbackAddress()), DnssecStatus.SECURE)), DnssecStatus.SECURE, false, List.of()));
    }

    private void schedulerWith(String entry) {
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(server.port(), Duration.ofSeconds(10)),
                List.of(Duration.ofMinutes(30)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        scheduler = new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa,
                PolicyMap.parse("tls-policy", List.of(DOMAIN + " " + entry))), dsn, new SimpleMeterRegistry(),
                InstantSource.system());
    }

    /** With {@code tls.trust-store} = the test CA: the relay's PKIX anchors (JDK roots left out here). */
    private void schedulerWithTrustStore(String entry, X509Certificate ca) throws Exception {
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(server.port(), Duration.ofSeconds(10)),
                List.of(Duration.ofMinutes(30)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        client = new DeliveryClient(config.delivery());
        scheduler = new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa,
                PolicyMap.parse("tls-policy", List.of(DOMAIN + " " + entry))), dsn, new SimpleMeterRegistry(),
                InstantSource.system(), client, StsTrust.of(List.of(ca), false).trustManager(), StsRecheck.NEVER);
    }

    @AfterEach
    void stop() throws Exception {
        if (scheduler != null) {
            scheduler.close();
        }
        if (client != null) {
            client.close();
        }
        server.close();
        logger.detachAppender(appender);
    }

    private QueueId send() throws Exception {
        QueueId id = queue.add(params("s@origin.example"), List.of(RecipientSpec.of("a@" + DOMAIN)), "x\r\n");
        scheduler.runOnce().join();
        return id;
    }

    private List<String> recipientLines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains(" rcpt=")).toList();
    }

    @Test
    void row1_noneDeliversInPlaintextThoughStartTlsIsOfferedAndLogsPolicyManual() throws Exception {
        schedulerWith("none");
        QueueId id = send();
        assertThat(queue.completed).containsExactly(id);
        assertThat(server.verbs()).doesNotContain("STARTTLS").contains("MAIL");
        assertThat(tlsa.asked).as("POL-10: no TLSA lookup").isEmpty();
        assertThat(recipientLines()).singleElement().asString().contains("status=sent", "tls=none", "policy=manual");
    }

    @Test
    void row3_que17_encryptToAServerWithoutStartTlsDefers475WithoutMail() throws Exception {
        server.tls = null;
        schedulerWith("encrypt");
        QueueId id = send();
        assertThat(queue.completed).isEmpty();
        assertThat(queue.entry(id).envelope.recipients().getFirst().state()).isEqualTo(RecipientState.DEFERRED);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
        assertThat(tlsa.asked).isEmpty();
        assertThat(recipientLines()).singleElement().asString()
                .contains("status=deferred", "policy=manual", "dsn=4.7.5", "STARTTLS not offered");
    }

    @Test
    void row4_secureDeliversToACertificateFromTheTrustStoreCaAndLogsPkix() throws Exception {
        TestCertificates.IssuedCert cert = TestCertificates.issued("mx.manual.example", "Relay Test CA");
        server.tls = cert.serverContext();
        schedulerWithTrustStore("secure", cert.ca());
        QueueId id = send();
        assertThat(queue.completed).containsExactly(id);
        assertThat(tlsa.asked).isEmpty();
        assertThat(server.sniNames).containsExactly("mx.manual.example");
        assertThat(recipientLines()).singleElement().asString().contains("status=sent", "tls=pkix", "policy=manual");
    }

    @Test
    void row4_secureWithAWrongCertificateNameDefers475WithoutMail() throws Exception {
        TestCertificates.IssuedCert cert = TestCertificates.issued("mx.manual.example", "Relay Test CA");
        server.tls = cert.serverContext();
        schedulerWithTrustStore("secure match=smtp.manual.example", cert.ca());
        QueueId id = send();
        assertThat(queue.completed).isEmpty();
        assertThat(queue.entry(id).envelope.recipients().getFirst().state()).isEqualTo(RecipientState.DEFERRED);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
        assertThat(recipientLines()).singleElement().asString()
                .contains("status=deferred", "policy=manual", "dsn=4.7.5", "do not match smtp.manual.example");
    }
}
