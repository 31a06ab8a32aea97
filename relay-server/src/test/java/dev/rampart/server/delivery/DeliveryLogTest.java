package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.policy.decide.AuditResult;
import dev.rampart.policy.decide.TlsRptResultType;
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

    @Test
    void sts20_auditFailureAndShadowWouldBlockFollowPolicyInTheLineAndTheKeyValues() {
        ObservedTls tls = new ObservedTls.Negotiated("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=mx1", "unauthenticated")
                .withFindings(new ObservedTls.TlsFindings(new AuditResult.Failed("certificate chain not trusted (PKIX): \"x\"",
                        TlsRptResultType.CERTIFICATE_NOT_TRUSTED), true));
        RecipientAttempt a = new RecipientAttempt(rcpt, new Verdict(Disposition.DELIVERED, "2.0.0", "250 ok"),
                new RelayInfo.Server("mx1.dest.example", SchedulerFakes.address("mx1", 7), 25), tls, false, "mta-sts");
        log.attempt(id, a, Duration.ZERO, 1);
        assertThat(appender.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains(" tls=unauthenticated policy=mta-sts"
                    + " audit=certificate-not-trusted audit_reason=\"certificate chain not trusted (PKIX): \\\"x\\\"\""
                    + " shadow=would-block delay=0.0s ");
            assertThat(e.getKeyValuePairs()).extracting(kv -> kv.key).containsExactly("queue_id", "rcpt", "status",
                    "relay", "tls", "policy", "audit", "audit_reason", "shadow", "delay", "attempts", "dsn", "reply");
        });
    }

    @Test
    void sts20_passedAuditHasNoReason() {
        RecipientAttempt a = new RecipientAttempt(rcpt, new Verdict(Disposition.DELIVERED, "2.0.0", "250 ok"),
                RelayInfo.none(), ObservedTls.none().withFindings(new ObservedTls.TlsFindings(AuditResult.PASSED, false)),
                false, "mta-sts");
        log.attempt(id, a, Duration.ZERO, 1);
        assertThat(appender.list.get(0).getFormattedMessage()).contains(" policy=mta-sts audit=passed delay=")
                .doesNotContain("audit_reason", "shadow=");
        log.audited(AuditResult.PASSED);
        log.audited(AuditResult.NOT_AUDITED);
        assertThat(metrics.get("rampart.tls.audit").tags("result", "passed").counter().count()).isEqualTo(1.0);
        assertThat(metrics.find("rampart.tls.audit").counters()).hasSize(1);
    }

    @Test
    void shadowWouldBlockIsOneWarnLineAndACountWithABoundedPolicyLabel() {
        log.shadowWouldBlock(id, "dest.example", "mx1.dest.example", "dane", "no TLSA record matched: leaf");
        log.shadowWouldBlock(id, "dest.example", "mx1.dest.example", "secure", "certificate names [] do not match");
        assertThat(appender.list.get(0).getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
        assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo("shadow: would block queue_id=" + id
                + " domain=dest.example host=mx1.dest.example policy=dane reason=\"no TLSA record matched: leaf\"");
        assertThat(metrics.get("rampart.tls.shadow.would.block").tags("policy", "dane").counter().count()).isEqualTo(1.0);
        assertThat(metrics.get("rampart.tls.shadow.would.block").tags("policy", "manual").counter().count()).isEqualTo(1.0);
        assertThat(DeliveryLog.shadowPolicy("dane-only")).isEqualTo("dane-only");
        assertThat(DeliveryLog.shadowPolicy("mta-sts")).isEqualTo("mta-sts");
        assertThat(DeliveryLog.shadowPolicy("encrypt")).isEqualTo("manual");
    }
}
