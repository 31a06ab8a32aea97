package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every configured limit, one test each (SUB-08, SUB-09, SUB-12, SUB-14, connection limits). */
class SmtpLimitsTest {

    @Test
    void sub08_commandLineOf512IsAcceptedLongerIs500AndSessionContinues() throws Exception {
        try (TestServer s = new TestServer(); SmtpTestClient c = s.client()) {
            String noop512 = "NOOP " + "x".repeat(512 - 2 - 5);
            assertThat(c.cmd(noop512)).startsWith("250");
            assertThat(c.cmd(noop512 + "x")).isEqualTo("500 5.5.2 Line too long");
            // far beyond the framer limit: discarded up to its CRLF, answered once
            assertThat(c.cmd("NOOP " + "y".repeat(20_000))).isEqualTo("500 5.5.2 Line too long");
            assertThat(c.cmd("EHLO client.example")).startsWith("250");
            // MAIL gets the extension allowance (SIZE, ENVID, AUTH=, ...)
            String mail = "MAIL FROM:<a@a.example> SIZE=100 ENVID=" + "e".repeat(100) + " AUTH=" + "u".repeat(400);
            assertThat(mail.length()).isGreaterThan(512);
            assertThat(c.cmd(mail)).startsWith("250");
        }
    }

    @Test
    void sub08_pathOf256IsTheLimit() throws Exception {
        try (TestServer s = new TestServer(); SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<>");
            String domain = ("d".repeat(60) + ".").repeat(3) + "exampl"; // 189 octets
            String mailbox = "l".repeat(64) + "@" + domain;
            assertThat(("<" + mailbox + ">").length()).isEqualTo(256);
            assertThat(c.cmd("RCPT TO:<" + mailbox + ">")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<" + mailbox + "e>")).isEqualTo("501 5.1.3 Path too long");
            assertThat(c.cmd("RCPT TO:<" + "l".repeat(65) + "@b.example>")).isEqualTo("501 5.1.3 Path too long");
        }
    }

    @Test
    void sub08_textLineOver1000IsRejectedAfterData() throws Exception {
        try (TestServer s = new TestServer(); SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\n" + "a".repeat(998) + "\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\n" + "a".repeat(999) + "\r\n.\r\n");
            assertThat(c.reply()).startsWith("500 5.5.2 Line too long");
            assertThat(c.cmd("NOOP")).startsWith("250");
            assertThat(s.queue.committed).hasSize(1);
        }
    }

    @Test
    void sub09_hundredRecipientsAlwaysThen452KeepingEarlierOnes() throws Exception {
        try (TestServer s = new TestServer(); SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 101; i++) {
                batch.append("RCPT TO:<r").append(i).append("@b.example>\r\n");
            }
            c.send(batch.toString());
            List<String> r = c.replies(101);
            assertThat(r.subList(0, 100)).allMatch(x -> x.startsWith("250 2.1.5"));
            assertThat(r.get(100)).isEqualTo("452 4.5.3 Too many recipients");
            c.cmd("DATA");
            c.send("S: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(s.queue.only().recipients()).hasSize(100);
        }
    }

    @Test
    void sub14_actualDataOverTheLimitIs552AfterDataAndNothingIsStored() throws Exception {
        try (TestServer s = new TestServer(TestServer.with(b -> b.maxSize(2000))); SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example> SIZE=100");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\n" + ("b".repeat(98) + "\r\n").repeat(30) + ".\r\n");
            assertThat(c.reply()).isEqualTo("552 5.3.4 Message size exceeds fixed limit");
            assertThat(c.cmd("NOOP")).startsWith("250");
            assertThat(s.queue.committed).isEmpty();
            assertThat(s.rejections(RejectReason.MESSAGE_TOO_BIG)).isEqualTo(1.0);
        }
    }

    @Test
    void sub14_bdatOverTheLimitIs552OnTheChunk() throws Exception {
        try (TestServer s = new TestServer(TestServer.with(b -> b.maxSize(100))); SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.send("BDAT 150\r\n" + "c".repeat(148) + "\r\n");
            assertThat(c.reply()).startsWith("552 5.3.4");
            c.send("BDAT 5 LAST\r\nabc\r\n");
            assertThat(c.reply()).as("transaction is gone, chunk discarded").startsWith("503");
            assertThat(c.cmd("NOOP")).startsWith("250");
            assertThat(s.queue.committed).isEmpty();
        }
    }

    @Test
    void connectionsPerClientOverTheLimitGet421() throws Exception {
        try (TestServer s = new TestServer(TestServer.with(b -> b.connections(10, 2)))) {
            try (SmtpTestClient a = s.client(); SmtpTestClient b = s.client(); SmtpTestClient c = new SmtpTestClient(s.address)) {
                assertThat(c.reply()).isEqualTo("421 4.7.0 Too many connections");
                assertThat(c.closedByServer()).isTrue();
                assertThat(a.cmd("NOOP")).startsWith("250");
                assertThat(b.cmd("NOOP")).startsWith("250");
            }
            assertThat(s.rejections(RejectReason.CONNECTION_LIMIT)).isEqualTo(1.0);
            awaitOpenConnections(s, 0);
            try (SmtpTestClient again = s.client()) {
                assertThat(again.cmd("NOOP")).as("permits were released").startsWith("250");
            }
        }
    }

    @Test
    void connectionsInTotalOverTheLimitGet421() throws Exception {
        try (TestServer s = new TestServer(TestServer.with(b -> b.connections(3, 3)))) {
            List<SmtpTestClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(s.client());
                }
                try (SmtpTestClient extra = new SmtpTestClient(s.address)) {
                    assertThat(extra.reply()).isEqualTo("421 4.7.0 Too many connections");
                }
            } finally {
                for (SmtpTestClient c : open) {
                    c.close();
                }
            }
        }
    }

    @Test
    void sub12_idleClientGets421AndIsDisconnected() throws Exception {
        try (TestServer s = new TestServer(TestServer.with(b -> b.idle(Duration.ofMillis(300))));
             SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            // blocks until the server speaks: no sleep, the read returns when the timeout fires
            assertThat(c.reply()).startsWith("421 4.4.2");
            assertThat(c.closedByServer()).isTrue();
            assertThat(s.rejections(RejectReason.IDLE_TIMEOUT)).isEqualTo(1.0);
        }
    }

    @Test
    void sub01_shutdownSends421ToIdleSessionsAndStopsAccepting() throws Exception {
        TestServer s = new TestServer();
        try (SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            s.close();
            assertThat(c.reply()).startsWith("421 4.3.2");
            assertThat(c.closedByServer()).isTrue();
        }
        try (Socket sock = new Socket()) {
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> sock.connect(s.address, 2000));
        }
    }

    @Test
    void sub01_shutdownLetsTheMessageInFlightFinishThenAnswers421() throws Exception {
        TestServer s = new TestServer();
        var gate = new java.util.concurrent.CompletableFuture<Void>();
        s.queue.commitGate.set(gate);
        try (SmtpTestClient c = s.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\nx\r\n.\r\n");
            // Whether shutdown reaches the session before or after the commit completes, the client must
            // see the 250 for its message and then the 421, unprompted.
            Thread closer = Thread.ofVirtual().start(s::close);
            awaitOpenListenersClosed(s);
            gate.complete(null);
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("421 4.3.2");
            closer.join();
            assertThat(s.queue.committed).hasSize(1);
        }
    }

    @Test
    void badSettingsFailAtConstruction() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TestServer(TestServer.with(b -> b.maxRcpt(99))));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TestServer(TestServer.with(b -> {
                    b.hostname = "bad host\r\n250 injected";
                    return b;
                })));
    }

    private static void awaitOpenConnections(TestServer s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (s.server.openConnections() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("open connections stayed at " + s.server.openConnections());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void awaitOpenListenersClosed(TestServer s) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try (Socket sock = new Socket()) {
                sock.connect(s.address, 500);
            } catch (java.io.IOException e) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("listener still accepting");
            }
            Thread.yield();
        }
    }
}
