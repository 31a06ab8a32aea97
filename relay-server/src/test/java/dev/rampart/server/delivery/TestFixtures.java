package dev.rampart.server.delivery;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Envelope;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.QueueIdGenerator;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.config.RampartConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Configurations and messages for delivery tests. */
final class TestFixtures {
    private TestFixtures() {}

    static RampartConfig.Delivery delivery(int port, Duration commandTimeout) {
        return new RampartConfig.Delivery("relay.test", port, 20, 4, Duration.ofSeconds(5), commandTimeout,
                commandTimeout, commandTimeout, commandTimeout, commandTimeout, commandTimeout, commandTimeout,
                commandTimeout, Duration.ofSeconds(30), RampartConfig.AddressPreference.ANY);
    }

    static RampartConfig config(RampartConfig.Delivery delivery, List<Duration> retry, Duration maxAge,
                                Duration bounceMaxAge, Duration delayWarning) {
        return new RampartConfig(
                new RampartConfig.Smtp(List.of(HostPort.parse("127.0.0.1:2525")), "relay.test", List.of(), null, null,
                        10_000_000, 100, 100, 10, Duration.ofMinutes(5), null, 100),
                new RampartConfig.Queue(Path.of("spool"), retry, maxAge, bounceMaxAge, delayWarning),
                delivery,
                new RampartConfig.Admin(HostPort.parse("127.0.0.1:8025")),
                new RampartConfig.Dns(List.of(), Duration.ofSeconds(5), RampartConfig.Dnssec.OFF, null, "iana.org", null,
                        Duration.ofMinutes(10)),
                new RampartConfig.Tls(null),
                new RampartConfig.Log(RampartConfig.LogFormat.TEXT, "info"));
    }

    static MessageParams params(String sender) {
        return new MessageParams(sender, BodyType.SEVEN_BIT, false, "", Ret.UNSPECIFIED, TlsTag.DEFAULT, "client [127.0.0.1]", "");
    }

    static List<RecipientStatus> recipients(String... addresses) {
        List<RecipientStatus> list = new ArrayList<>();
        for (int i = 0; i < addresses.length; i++) {
            list.add(new RecipientStatus(i, RecipientSpec.of(addresses[i]), RecipientState.QUEUED, 0, Instant.EPOCH,
                    "", "", false));
        }
        return list;
    }

    static Envelope envelope(MessageParams params, Instant arrival, List<RecipientStatus> recipients) {
        return new Envelope(new QueueIdGenerator(InstantSource.system()).next(), arrival, params, recipients);
    }

    static QueuedMessage message(Envelope envelope, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new QueuedMessage() {
            @Override
            public Envelope envelope() {
                return envelope;
            }

            @Override
            public long bodySize() {
                return bytes.length;
            }

            @Override
            public InputStream openBody() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }
}
