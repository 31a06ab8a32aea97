package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SUB-13: the relay is not an open relay. With allowed-networks 127.0.0.1/32, a client connecting from
 * 127.0.9.9 (another loopback address, so still nothing leaves the machine) may not relay anywhere.
 */
class OpenRelayIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static RampartProcess relay;

    @BeforeAll
    static void start() throws Exception {
        relay = RampartProcess.builder(dir.resolve("relay")).allowedNetworks("127.0.0.1/32").start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void sub13_clientOutsideAllowedNetworksGets550_5_7_1ForEveryRecipient() throws Exception {
        InetAddress outsider = HostTools.loopback("127.0.9.9");
        try (SmtpSubmitter smtp = SmtpSubmitter.connect(relay.smtp(), outsider, WAIT)) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            assertThat(smtp.ehlo("outsider.test").code()).isEqualTo(250);
            assertThat(smtp.command("MAIL FROM:<mallory@outsider.test>").code()).isEqualTo(250);
            for (String rcpt : new String[] {"victim@example.test", "bob@tls.test", "postmaster@elsewhere.test"}) {
                SmtpSubmitter.Reply reply = smtp.command("RCPT TO:<" + rcpt + ">");
                assertThat(reply.code()).as("RCPT %s: %s", rcpt, reply.text()).isEqualTo(550);
                assertThat(reply.lines().get(0)).as(reply.text()).startsWith("5.7.1");
            }
            // Nothing was accepted, so DATA cannot start a message.
            assertThat(smtp.command("DATA").code()).isGreaterThanOrEqualTo(500);
            smtp.quit();
        }
        assertThat(relay.queue().path("messages")).isEmpty();
    }

    @Test
    void sub13_clientInsideAllowedNetworksMayRelay() throws Exception {
        // The control case: the same commands from 127.0.0.1 are accepted, so the refusal above is the policy.
        try (SmtpSubmitter smtp = SmtpSubmitter.connect(relay.smtp(), HostTools.loopback("127.0.0.1"), WAIT)) {
            smtp.ehlo("insider.test");
            assertThat(smtp.command("MAIL FROM:<alice@sender.test>").code()).isEqualTo(250);
            assertThat(smtp.command("RCPT TO:<victim@example.test>").code()).isEqualTo(250);
            assertThat(smtp.command("RSET").code()).isEqualTo(250);
            smtp.quit();
        }
    }
}
