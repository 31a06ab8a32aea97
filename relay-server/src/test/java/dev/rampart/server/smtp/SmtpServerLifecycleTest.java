package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rampart.server.config.HostPort;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Binding, IPv6 clients, and what start/close promise. */
class SmtpServerLifecycleTest {

    @Test
    void bindsEveryListenAddressIncludingIpv6() throws Exception {
        var config = TestServer.with(b -> {
            b.listen = List.of(new HostPort("127.0.0.1", 0), new HostPort("::1", 0));
            b.allowed("127.0.0.0/8", "::1/128");
            return b;
        });
        try (TestServer s = new TestServer(config)) {
            List<InetSocketAddress> bound = s.server.boundAddresses();
            assertThat(bound).hasSize(2).allMatch(a -> a.getPort() > 0);
            try (SmtpTestClient c = SmtpTestClient.connect(bound.get(1))) {
                c.cmd("EHLO v6.example");
                c.cmd("MAIL FROM:<a@a.example>");
                assertThat(c.cmd("RCPT TO:<r@b.example>")).startsWith("250");
                c.cmd("DATA");
                c.send("S: x\r\n\r\nx\r\n.\r\n");
                assertThat(c.reply()).startsWith("250 2.0.0");
            }
            assertThat(s.queue.only().text()).startsWith("Received: from v6.example ([IPv6:::1])");
            assertThat(s.queue.only().params().client()).isEqualTo("v6.example [IPv6:::1]");
            assertThrows(IllegalStateException.class, s.server::start);
        }
    }

    @Test
    void closeIsIdempotentAndBindFailureIsAnIoException() throws Exception {
        try (TestServer first = new TestServer()) {
            int taken = first.address.getPort();
            SmtpServer second = new SmtpServer(TestServer.with(b -> {
                b.listen = List.of(new HostPort("127.0.0.1", taken));
                return b;
            }), first.queue, id -> { }, first.metrics, java.time.Clock.systemUTC());
            assertThrows(java.io.IOException.class, second::start);
            second.close();
            second.close();
        }
    }
}
