package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The end-to-end tests read the relay's delivery log through this parser; it must not misread a line. */
class DeliveryLogLineTest {

    @Test
    void parsesEveryFieldOfALineAfterTheLoggerPrefix() {
        String line = "2026-11-22 12:00:00,123 INFO  rampart.delivery queue_id=0123456789ABCDEFGH rcpt=bob@tls.test"
                + " status=sent relay=mx.tls.test[127.1.2.3]:25 tls=unauthenticated policy=none delay=0.4s attempts=1"
                + " dsn=2.0.0 reply=\"250 2.0.0 Ok: queued as 4Xy \\\"quoted\\\" a=b\"";
        DeliveryLogLine l = DeliveryLogLine.parse(line).orElseThrow();
        assertThat(l.queueId()).isEqualTo("0123456789ABCDEFGH");
        assertThat(l.rcpt()).isEqualTo("bob@tls.test");
        assertThat(l.status()).isEqualTo("sent");
        assertThat(l.relay()).isEqualTo("mx.tls.test[127.1.2.3]:25");
        assertThat(l.tls()).isEqualTo("unauthenticated");
        assertThat(l.get("policy")).isEqualTo("none");
        assertThat(l.get("attempts")).isEqualTo("1");
        assertThat(l.dsn()).isEqualTo("2.0.0");
        // "a=b" inside the quoted reply is part of the reply, not a field of its own.
        assertThat(l.reply()).isEqualTo("250 2.0.0 Ok: queued as 4Xy \"quoted\" a=b");
        assertThat(l.get("a")).isEmpty();
    }

    @Test
    void otherLinesAreNotDeliveryRecords() {
        assertThat(DeliveryLogLine.parse("INFO rampart.smtp session=12 connect from [127.0.0.1]")).isEmpty();
        assertThat(DeliveryLogLine.parse("queue_id=X bounce notice queued")).isEmpty();
    }

    @Test
    void emptyReplyAndRelayNoneAreKept() {
        DeliveryLogLine l = DeliveryLogLine.parse("queue_id=0123456789ABCDEFGH rcpt=dave@nullmx.test status=bounced"
                + " relay=none tls=none policy=none delay=0.0s attempts=1 dsn=5.1.10 reply=\"\"").orElseThrow();
        assertThat(l.relay()).isEqualTo("none");
        assertThat(l.dsn()).isEqualTo("5.1.10");
        assertThat(l.reply()).isEmpty();
    }
}
