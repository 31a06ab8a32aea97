package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueIdGenerator;
import dev.rampart.queue.RecipientStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class DeliveryLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("rampart.delivery");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final DeliveryLog log = new DeliveryLog(metrics);
    private final QueueId id = new QueueIdGenerator(InstantSource.system()).next();
    private final RecipientStatus rcpt = TestFixtures.recipients("user@dest.example").get(0);

    @BeforeEach
    void attach() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    @Test
    void sentLineHasTheExactKeyOrder() {
        RecipientAttempt a = new RecipientAttempt(rcpt, new Verdict(Disposition.DELIVERED, "2.0.0", "250 2.0.0 Ok: queued as \"X\""),
                new RelayInfo.Server("mx1.dest.example", SchedulerFakes.address("mx1", 7), 25),
                new ObservedTls.Negotiated("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=mx1", "unauthenticated"), false);
        log.attempt(id, a, Duration.ofMillis(12_345), 1);
        assertThat(appender.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).isEqualTo("queue_id=" + id + " rcpt=user@dest.example status=sent"
                    + " relay=mx1.dest.example[127.0.1.7]:25 tls=unauthenticated policy=none delay=12.3s attempts=1"
                    + " dsn=2.0.0 reply=\"250 2.0.0 Ok: queued as \\\"X\\\"\"");
            assertThat(e.getKeyValuePairs()).extracting(kv -> kv.key).containsExactly("queue_id", "rcpt", "status",
                    "relay", "tls", "policy", "delay", "attempts", "dsn", "reply");
        });
        assertThat(metrics.get("rampart.delivery.attempts").tags("status", "sent", "tls", "unauthenticated").counter()
                .count()).isEqualTo(1.0);
    }

    @Test
    void noConnectionLogsRelayNone() {
        RecipientAttempt a = new RecipientAttempt(rcpt, new Verdict(Disposition.DEFER, "4.4.3", "SERVFAIL\r\nfor x"),
                RelayInfo.none(), ObservedTls.none(), false);
        log.attempt(id, a, Duration.ofMinutes(30), 3);
        String line = appender.list.get(0).getFormattedMessage();
        assertThat(line).isEqualTo("queue_id=" + id + " rcpt=user@dest.example status=deferred relay=none tls=none"
                + " policy=none delay=1800.0s attempts=3 dsn=4.4.3 reply=\"SERVFAIL  for x\"");
        List<KeyValuePair> kv = appender.list.get(0).getKeyValuePairs();
        assertThat(kv.get(2).value).isEqualTo("deferred");
    }

    @Test
    void bouncedStatusWord() {
        RecipientAttempt a = new RecipientAttempt(rcpt, new Verdict(Disposition.BOUNCE, "5.1.1", "550 5.1.1 unknown"),
                RelayInfo.none(), ObservedTls.none(), false);
        log.attempt(id, a, Duration.ZERO, 1);
        assertThat(appender.list.get(0).getFormattedMessage()).contains(" status=bounced ").contains(" delay=0.0s ");
    }
}
