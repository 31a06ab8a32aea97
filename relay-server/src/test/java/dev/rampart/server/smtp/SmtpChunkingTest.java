package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BDAT (RFC 3030, SUB-19) and large streamed messages. */
class SmtpChunkingTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(TestServer.with(b -> b.maxSize(64L * 1024 * 1024)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SmtpTestClient inTransaction() throws Exception {
        SmtpTestClient c = server.client();
        c.cmd("EHLO client.example");
        c.cmd("MAIL FROM:<a@a.example>");
        c.cmd("RCPT TO:<r@b.example>");
        return c;
    }

    @Test
    void sub19_chunksAreReadExactlyAndNotUnstuffed() throws Exception {
        try (SmtpTestClient c = inTransaction()) {
            String part1 = "Subject: chunked\r\n\r\n.not stuffed\r\n";
            String part2 = ".\r\nDATA\r\n"; // looks like an end marker and a command: it is content
            c.send("BDAT " + part1.length() + "\r\n" + part1);
            assertThat(c.reply()).startsWith("250 2.0.0");
            c.send("BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(server.queue.only().text()).endsWith("\r\n" + part1 + part2);
            assertThat(c.cmd("NOOP")).startsWith("250");
        }
    }

    @Test
    void sub18_sub19_wholeTransactionPipelinedInOneWrite() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            String chunk1 = "Subject: p\r\n\r\n";
            String chunk2 = "body\r\nBDAT 3\r\n";
            c.send("MAIL FROM:<a@a.example>\r\nRCPT TO:<r@b.example>\r\nBDAT " + chunk1.length() + "\r\n" + chunk1
                    + "BDAT " + chunk2.length() + " LAST\r\n" + chunk2 + "NOOP\r\n");
            assertThat(c.replies(5)).extracting(r -> r.substring(0, 3)).containsExactly("250", "250", "250", "250", "250");
            assertThat(server.queue.only().text()).endsWith("\r\n" + chunk1 + chunk2);
        }
    }

    @Test
    void sub19_zeroLengthLastChunkEndsTheMessageAndMissingFinalCrlfIsAdded() throws Exception {
        try (SmtpTestClient c = inTransaction()) {
            c.send("BDAT 12\r\nS: x\r\n\r\nbody");
            assertThat(c.reply()).startsWith("250");
            c.send("BDAT 0 LAST\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(server.queue.only().text()).endsWith("S: x\r\n\r\nbody\r\n");
        }
    }

    @Test
    void sub19_dataAfterBdatAndBdatWithoutRecipientsAre503AndTheChunkIsDiscarded() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.send("BDAT 12\r\nQUIT\r\nQUIT\r\n"); // the 12 octets must be eaten, not executed
            assertThat(c.reply()).startsWith("503");
            assertThat(c.cmd("RCPT TO:<r@b.example>")).startsWith("250");
            c.send("BDAT 4\r\nS: x");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.cmd("DATA")).startsWith("503");
            assertThat(c.cmd("RCPT TO:<s@b.example>")).as("RCPT after BDAT").startsWith("503");
            c.send("BDAT 2 LAST\r\n\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            c.send("BDAT 3 LAST\r\nabc");
            assertThat(c.reply()).as("BDAT after LAST").startsWith("503");
            assertThat(c.cmd("NOOP")).startsWith("250");
        }
        assertThat(server.queue.committed).hasSize(1);
    }

    @Test
    void sub06_bareLfInBdatIsRejectedToo() throws Exception {
        try (SmtpTestClient c = inTransaction()) {
            c.send("BDAT 11 LAST\r\nS: x\n\r\nabc\r\n");
            assertThat(c.reply()).startsWith("550 5.5.2");
        }
    }

    /** The 50 MB body: a header, then 76-character lines; produced twice (to send and to hash). */
    private static void bigContent(java.util.function.Consumer<byte[]> sink) {
        sink.accept("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] line = ("x".repeat(76) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[line.length * 1024];
        for (int i = 0; i < 1024; i++) {
            System.arraycopy(line, 0, block, i * line.length, line.length);
        }
        long target = 50L * 1024 * 1024;
        for (long sent = 0; sent < target; sent += block.length) {
            sink.accept(block);
        }
    }

    @Test
    void fiftyMegabytesStreamThroughWithoutBeingHeldInMemory() throws Exception {
        try (SmtpTestClient c = inTransaction()) {
            assertThat(c.cmd("DATA")).startsWith("354");
            long[] total = {0};
            bigContent(piece -> {
                try {
                    c.send(piece);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                total[0] += piece.length;
            });
            c.send(".\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            FakeMessageQueue.Stored m = server.queue.only();
            assertThat(total[0]).isGreaterThanOrEqualTo(50L * 1024 * 1024);
            assertThat(m.largestWrite()).as("written in pieces, never as a whole").isLessThan(4 * 1024 * 1024);
            assertThat(m.writerThread()).as("file work is off the event loop").startsWith("smtp-io-");
            // stored = our Received header (read from the kept prefix) followed by exactly what was sent
            String kept = m.text();
            byte[] received = kept.substring(0, kept.indexOf("Subject: big")).getBytes(StandardCharsets.US_ASCII);
            assertThat(new String(received, StandardCharsets.US_ASCII)).startsWith("Received: ");
            assertThat(m.size()).isEqualTo(received.length + total[0]);
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            expected.update(received);
            bigContent(expected::update);
            assertThat(m.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        }
    }
}
