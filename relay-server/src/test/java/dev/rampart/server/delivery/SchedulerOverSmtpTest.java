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
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.server.config.RampartConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The scheduler with the real Netty client against a fake SMTP server on loopback. */
class SchedulerOverSmtpTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("rampart.delivery");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final InMemoryQueue queue = new InMemoryQueue(InstantSource.system());
    private final SchedulerFakes.FakeMx mx = new SchedulerFakes.FakeMx();
    private final SchedulerFakes.FakeTlsa tlsa = new SchedulerFakes.FakeTlsa();
    private final SchedulerFakes.FakeDsn dsn = new SchedulerFakes.FakeDsn();
    private FakeSmtpServer server;
    private DeliveryScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        appender.start();
        logger.addAppender(appender);
        server = new FakeSmtpServer();
        server.tls = TestCertificates.selfSigned("mx.loop.example").serverContext();
        mx.answers.put("loop.example", new MxResolution.Hosts("loop.example",
                List.of(new MxHost("mx.loop.example", 10, List.of(InetAddress.getLoopbackAddress()), DnssecStatus.INSECURE)),
                DnssecStatus.INSECURE, false, List.of()));
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(server.port(), Duration.ofSeconds(30)),
                List.of(Duration.ofMinutes(30)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        scheduler = new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa, PolicyMap.EMPTY), dsn, new SimpleMeterRegistry(), InstantSource.system());
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        server.close();
        logger.detachAppender(appender);
    }

    @Test
    void deliversOverStartTlsAndLogsEachRecipient() throws Exception {
        QueueId id = queue.add(params("s@origin.example"),
                List.of(RecipientSpec.of("a@loop.example"), RecipientSpec.of("b@loop.example")), "Subject: t\r\n\r\nhi\r\n");
        scheduler.runOnce().join();
        assertThat(queue.completed).containsExactly(id);
        assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "RCPT", "DATA");
        assertThat(new String(server.messages.get(0), StandardCharsets.UTF_8)).isEqualTo("Subject: t\r\n\r\nhi\r\n");
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(2).allSatisfy(line ->
                assertThat(line).matches("queue_id=" + id + " rcpt=[ab]@loop\\.example status=sent relay=mx\\.loop\\.example"
                        + "\\[127\\.0\\.0\\.1\\]:" + server.port() + " tls=unauthenticated policy=none delay=\\d+\\.\\ds"
                        + " attempts=1 dsn=2\\.0\\.0 reply=\"250 2\\.0\\.0 Ok: queued as FAKE\""));
    }

    @Test
    void closeDuringADeliveryLeavesTheMessageDeferred() throws Exception {
        server.reply = (c, line) -> line.equals("<end-of-data>") ? FakeSmtpServer.HANG : null;
        QueueId id = queue.add(params("s@origin.example"), List.of(RecipientSpec.of("a@loop.example")), "x\r\n");
        CompletableFuture<Void> round = scheduler.runOnce();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.messages.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        assertThat(server.messages).hasSize(1);
        scheduler.close();
        assertThat(round).isDone();
        InMemoryQueue.Entry e = queue.entry(id);
        assertThat(e.state).isEqualTo(QueueState.DEFERRED);
        assertThat(e.envelope.recipients().get(0).state()).isEqualTo(RecipientState.DEFERRED);
        assertThat(e.envelope.recipients().get(0).lastDiagnostic()).startsWith("451 lost connection");
    }
}
