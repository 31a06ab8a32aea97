package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Notify;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The session state machine over real loopback sockets (SUB-01..SUB-24 without TLS). */
class SmtpSessionTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sub01_greetingNamesHostAndQuitSays221() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(server.address)) {
            assertThat(c.reply()).isEqualTo("220 " + TestServer.HOSTNAME + " ESMTP Rampart");
            assertThat(c.cmd("QUIT")).startsWith("221 2.0.0");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void sub02_ehloAdvertisesExtensionsWithoutStartTlsOrAuthWhenUnconfigured() throws Exception {
        try (SmtpTestClient c = server.client()) {
            String ehlo = c.cmd("EHLO client.example");
            assertThat(ehlo.lines().map(l -> l.substring(4)).toList()).containsExactly(TestServer.HOSTNAME,
                    "PIPELINING", "SIZE 10485760", "8BITMIME", "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8", "CHUNKING");
            assertThat(c.cmd("HELO client.example")).isEqualTo("250 " + TestServer.HOSTNAME);
        }
    }

    /** One row: commands sent one by one, and the reply code expected for each. */
    static Stream<Arguments> stateMachine() {
        return Stream.of(
                Arguments.of("SUB-04 RCPT before MAIL", List.of("EHLO a.example", "RCPT TO:<x@y.example>"), List.of(250, 503)),
                Arguments.of("SUB-04 MAIL before EHLO", List.of("MAIL FROM:<a@b.example>"), List.of(503)),
                Arguments.of("SUB-04 nested MAIL", List.of("EHLO a.example", "MAIL FROM:<a@b.example>",
                        "MAIL FROM:<c@b.example>"), List.of(250, 250, 503)),
                Arguments.of("SUB-04 DATA without MAIL", List.of("EHLO a.example", "DATA"), List.of(250, 503)),
                Arguments.of("SUB-04 DATA without RCPT", List.of("EHLO a.example", "MAIL FROM:<>", "DATA"),
                        List.of(250, 250, 503)),
                Arguments.of("SUB-18 DATA after only rejected RCPTs is 554, not 354", List.of("EHLO a.example",
                        "MAIL FROM:<>", "RCPT TO:<bad address>", "DATA"), List.of(250, 250, 501, 554)),
                Arguments.of("SUB-03 second EHLO resets the transaction", List.of("EHLO a.example",
                        "MAIL FROM:<a@b.example>", "EHLO a.example", "RCPT TO:<x@y.example>"), List.of(250, 250, 250, 503)),
                Arguments.of("SUB-03 rejected EHLO leaves the transaction", List.of("EHLO a.example",
                        "MAIL FROM:<a@b.example>", "EHLO bad..name", "RCPT TO:<x@y.example>"), List.of(250, 250, 501, 250)),
                Arguments.of("SUB-24 RSET clears the transaction", List.of("EHLO a.example", "MAIL FROM:<a@b.example>",
                        "RSET", "RCPT TO:<x@y.example>"), List.of(250, 250, 250, 503)),
                Arguments.of("SUB-24 NOOP VRFY HELP", List.of("NOOP", "VRFY someone", "HELP"), List.of(250, 252, 214)),
                Arguments.of("SUB-05 unknown command keeps the session", List.of("FOO bar", "EHLO a.example"), List.of(500, 250)),
                Arguments.of("SUB-05 unknown MAIL parameter", List.of("EHLO a.example", "MAIL FROM:<a@b.example> FOO=1"),
                        List.of(250, 555)),
                Arguments.of("SUB-05 unknown RCPT parameter", List.of("EHLO a.example", "MAIL FROM:<a@b.example>",
                        "RCPT TO:<x@y.example> BAR"), List.of(250, 250, 555)),
                Arguments.of("SUB-05 bad argument", List.of("EHLO a.example", "MAIL FROM:a@b.example"), List.of(250, 501)),
                Arguments.of("SUB-05 EHLO without name", List.of("EHLO"), List.of(501)),
                Arguments.of("SUB-16 STARTTLS without TLS configured", List.of("EHLO a.example", "STARTTLS"), List.of(250, 454)),
                Arguments.of("SUB-16 STARTTLS with argument", List.of("EHLO a.example", "STARTTLS now"), List.of(250, 501)),
                Arguments.of("SUB-20 AUTH not offered", List.of("EHLO a.example", "AUTH PLAIN"), List.of(250, 502)),
                Arguments.of("SUB-23 REQUIRETLS without TLS", List.of("EHLO a.example", "MAIL FROM:<a@b.example> REQUIRETLS"),
                        List.of(250, 530)),
                Arguments.of("HELO forbids ESMTP parameters", List.of("HELO a.example", "MAIL FROM:<a@b.example> SIZE=10"),
                        List.of(250, 555)),
                Arguments.of("SUB-22 NOTIFY=NEVER with others", List.of("EHLO a.example", "MAIL FROM:<a@b.example>",
                        "RCPT TO:<x@y.example> NOTIFY=NEVER,SUCCESS"), List.of(250, 250, 501)),
                Arguments.of("SUB-22 bad ENVID xtext", List.of("EHLO a.example", "MAIL FROM:<a@b.example> ENVID=a+ZZ"),
                        List.of(250, 501)),
                Arguments.of("SUB-22 bad RET", List.of("EHLO a.example", "MAIL FROM:<a@b.example> RET=ALL"), List.of(250, 501)),
                Arguments.of("SUB-21 non-ASCII sender without SMTPUTF8", List.of("EHLO a.example", "MAIL FROM:<jörg@b.example>"),
                        List.of(250, 550)),
                Arguments.of("SUB-21 non-ASCII recipient without SMTPUTF8", List.of("EHLO a.example",
                        "MAIL FROM:<a@b.example>", "RCPT TO:<jörg@b.example>"), List.of(250, 250, 553)),
                Arguments.of("SUB-21 SMTPUTF8 allows UTF-8 addresses", List.of("EHLO a.example",
                        "MAIL FROM:<jörg@bücher.example> SMTPUTF8", "RCPT TO:<δοκιμή@παράδειγμα.example>"), List.of(250, 250, 250)),
                Arguments.of("SUB-14 SIZE over the maximum", List.of("EHLO a.example", "MAIL FROM:<a@b.example> SIZE=10485761"),
                        List.of(250, 552)),
                Arguments.of("SUB-14 SIZE at the maximum", List.of("EHLO a.example", "MAIL FROM:<a@b.example> SIZE=10485760"),
                        List.of(250, 250)),
                Arguments.of("SUB-19 BDAT without transaction", List.of("EHLO a.example", "BDAT 0 LAST"), List.of(250, 503)),
                Arguments.of("SUB-08 local-part of 65 octets", List.of("EHLO a.example", "MAIL FROM:<" + "a".repeat(65) + "@b.example>"),
                        List.of(250, 501)),
                Arguments.of("SUB-08 local-part of 64 octets", List.of("EHLO a.example", "MAIL FROM:<" + "a".repeat(64) + "@b.example>"),
                        List.of(250, 250)),
                Arguments.of("SUB-20 AUTH without TLS is 502 when unconfigured", List.of("EHLO a.example", "AUTH LOGIN"),
                        List.of(250, 502)),
                Arguments.of("SUB-24 EXPN", List.of("EXPN list"), List.of(502)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateMachine")
    void stateMachine(String name, List<String> commands, List<Integer> codes) throws Exception {
        try (SmtpTestClient c = server.client()) {
            List<Integer> got = new ArrayList<>();
            for (String command : commands) {
                got.add(Integer.parseInt(c.cmd(command).substring(0, 3)));
            }
            assertThat(got).as(name).isEqualTo(codes);
            assertThat(c.cmd("NOOP")).as("session survives").startsWith("250");
        }
    }

    @Test
    void sub07_sub10_sub11_dataIsUnstuffedStoredWithReceivedAndAcknowledgedAfterCommit() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            assertThat(c.cmd("MAIL FROM:<sender@a.example> BODY=8BITMIME")).startsWith("250 2.1.0");
            assertThat(c.cmd("RCPT TO:<rcpt@b.example>")).startsWith("250 2.1.5");
            assertThat(c.cmd("DATA")).startsWith("354");
            c.send("Subject: hi\r\n\r\n..leading dot\r\nline after\r\nbytes \u00e9\u00e8\r\n.\r\n");
            String reply = c.reply();
            assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{18}");
            FakeMessageQueue.Stored m = server.queue.only();
            assertThat(reply).endsWith(m.id().value());
            assertThat(server.woken).containsExactly(m.id());
            String text = m.text();
            assertThat(text).startsWith("Received: from client.example ([127.0.0.1])\r\n\tby mx.test.example (Rampart) with ESMTP id "
                    + m.id().value() + "\r\n\tfor <rcpt@b.example>;\r\n\t");
            assertThat(text).matches("(?s).*;\r\n\t\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000\r\n.*");
            assertThat(text).endsWith("\r\nSubject: hi\r\n\r\n.leading dot\r\nline after\r\nbytes \u00e9\u00e8\r\n");
            assertThat(m.params().body()).isEqualTo(BodyType.EIGHT_BIT_MIME); // SUB-15
            assertThat(m.params().sender()).isEqualTo("sender@a.example");
            assertThat(m.params().client()).isEqualTo("client.example [127.0.0.1]");
            assertThat(m.recipients()).extracting(r -> r.address()).containsExactly("rcpt@b.example");
            assertThat(c.cmd("NOOP")).startsWith("250");
        }
    }

    @Test
    void sub07_lineWithSingleDotInsideStuffedContentIsKept() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<>");
            c.cmd("RCPT TO:<rcpt@b.example>");
            c.cmd("DATA");
            // a client dot-stuffs a lone "." line to ".."
            c.send("A: b\r\n\r\nbefore\r\n..\r\nafter\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(server.queue.only().text()).endsWith("\r\n\r\nbefore\r\n.\r\nafter\r\n");
            assertThat(server.queue.only().params().nullSender()).isTrue();
        }
    }

    @Test
    void sub06_bareLfIsRejectedAfterTheRealEndAndSessionContinues() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            // LF.LF, LF.CRLF and CR.CR never end DATA: this is the smuggling shape.
            c.send("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@x>\n.\r\nRCPT TO:<v@x>\r.\rmore\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("550 5.5.2 Message contains bare CR or LF");
            assertThat(server.queue.committed).isEmpty();
            assertThat(c.cmd("RCPT TO:<r@b.example>")).as("transaction was closed").startsWith("503");
            assertThat(c.cmd("MAIL FROM:<a@a.example>")).startsWith("250");
            assertThat(server.rejections(RejectReason.BARE_CR_LF)).isEqualTo(1.0);
        }
    }

    @Test
    void sub18_pipelinedCommandsAreAnsweredInOrderInOneGo() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.send("MAIL FROM:<a@a.example>\r\nRCPT TO:<r1@b.example>\r\nRCPT TO:<bad>\r\nRCPT TO:<r2@b.example>\r\nDATA\r\n");
            assertThat(c.replies(5)).extracting(r -> r.substring(0, 3)).containsExactly("250", "250", "501", "250", "354");
            c.send("Subject: p\r\n\r\nx\r\n.\r\nMAIL FROM:<b@a.example>\r\nRCPT TO:<r3@b.example>\r\nDATA\r\nSubject: q\r\n\r\ny\r\n.\r\nQUIT\r\n");
            List<String> r = c.replies(5);
            assertThat(r.get(0)).startsWith("250 2.0.0 Ok: queued as");
            assertThat(r.get(1)).startsWith("250 2.1.0");
            assertThat(r.get(2)).startsWith("250 2.1.5");
            assertThat(r.get(3)).startsWith("354");
            assertThat(r.get(4)).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("221");
            assertThat(server.queue.committed).hasSize(2);
            assertThat(server.queue.committed.get(0).recipients()).extracting(x -> x.address())
                    .containsExactly("r1@b.example", "r2@b.example");
        }
    }

    @Test
    void sub18_commandsPipelinedBehindDataWaitForTheCommit() throws Exception {
        var gate = new java.util.concurrent.CompletableFuture<Void>();
        server.queue.commitGate.set(gate);
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\nx\r\n.\r\nNOOP\r\n");
            c.setTimeout(300);
            // Nothing may arrive while the commit is pending: neither the 250 nor the NOOP reply.
            org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class, c::reply);
            c.setTimeout(15_000);
            gate.complete(null);
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok");
        }
    }

    @Test
    void sub18_clientThatPipelinesWithoutReadingGetsEveryReplyInOrder() throws Exception {
        int n = 200_000; // ~3 MB of replies: more than socket buffers hold, so the server must stop reading
        try (SmtpTestClient c = server.client()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    byte[] batch = "NOOP\r\n".repeat(1000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    for (int i = 0; i < n / 1000; i++) {
                        c.send(batch);
                    }
                    c.send("VRFY x\r\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < n; i++) {
                String r = c.reply();
                if (!r.equals("250 2.0.0 Ok")) {
                    throw new AssertionError("reply " + i + ": " + r);
                }
            }
            assertThat(c.reply()).startsWith("252");
            writer.join();
        }
    }

    @Test
    void sub05_randomGarbageLinesEachGetOneReplyAndTheSessionSurvives() throws Exception {
        java.util.Random random = new java.util.Random(20261122);
        int lines = 2000;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            int len = 1 + random.nextInt(i % 100 == 0 ? 20_000 : 600);
            for (int j = 0; j < len; j++) {
                int b = random.nextInt(256);
                out.write(b == '\r' ? 'x' : b); // no CR: each generated line ends only at our CRLF
            }
            out.write('\r');
            out.write('\n');
        }
        try (SmtpTestClient c = server.client()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.send(out.toByteArray());
                    c.send("NOOP\r\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < lines; i++) {
                assertThat(c.reply()).as("reply %d", i).matches("5\\d\\d .*");
            }
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
            writer.join();
            assertThat(c.cmd("EHLO client.example")).startsWith("250");
        }
    }

    @Test
    void sub10_commitFailureIs451AndNothingIsAnnounced() throws Exception {
        server.queue.failCommit.set(true);
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("451 4.3.0");
            assertThat(server.woken).isEmpty();
            assertThat(c.cmd("MAIL FROM:<a@a.example>")).startsWith("250");
        }
    }

    @Test
    void createFailureIs451() throws Exception {
        server.queue.failCreate.set(true);
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("S: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("451 4.3.0");
        }
    }

    @Test
    void sub22_dsnParametersAreDecodedAndStored() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            assertThat(c.cmd("MAIL FROM:<a@a.example> RET=HDRS ENVID=QQ+2B314+3D")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<r@b.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;r+2Bx@b.example")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<s@b.example> NOTIFY=NEVER")).startsWith("250");
            assertThat(c.cmd("RCPT TO:<t@b.example>")).startsWith("250");
            c.cmd("DATA");
            c.send("S: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            FakeMessageQueue.Stored m = server.queue.only();
            assertThat(m.params().ret()).isEqualTo(Ret.HDRS);
            assertThat(m.params().envId()).isEqualTo("QQ+314=");
            assertThat(m.recipients().get(0).notifyOn()).isEqualTo(Set.of(Notify.SUCCESS, Notify.DELAY));
            assertThat(m.recipients().get(0).orcpt()).isEqualTo("rfc822;r+x@b.example");
            assertThat(m.recipients().get(1).notifyOn()).isEqualTo(Set.of(Notify.NEVER));
            assertThat(m.recipients().get(2).notifyOn()).isEmpty();
            assertThat(m.recipients().get(2).orcpt()).isEmpty();
            assertThat(m.text()).as("SUB-11: no FOR with several recipients").doesNotContain("\tfor <");
        }
    }

    @Test
    void sub21_smtpUtf8IsStoredAndReceivedSaysUtf8smtp() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<jörg@bücher.example> SMTPUTF8");
            c.cmd("RCPT TO:<δοκιμή@παράδειγμα.example>");
            c.cmd("DATA");
            c.send("Subject: ünïcode\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            FakeMessageQueue.Stored m = server.queue.only();
            assertThat(m.params().smtpUtf8()).isTrue();
            assertThat(m.params().sender()).isEqualTo("jörg@bücher.example");
            assertThat(m.text()).contains(" with UTF8SMTP id ").contains("for <δοκιμή@παράδειγμα.example>")
                    .contains("Subject: ünïcode");
        }
    }

    @Test
    void sub23_tlsRequiredNoHeaderTagsTheMessageOptional() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("Subject: report\r\ntls-required:\r\n  no\r\n\r\nTLS-Required: yes-in-body-ignored\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("Subject: normal\r\n\r\nTLS-Required: No\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
        }
        assertThat(server.queue.committed.get(0).params().tls()).isEqualTo(TlsTag.TLS_OPTIONAL);
        assertThat(server.queue.committed.get(1).params().tls()).as("only the header section counts").isEqualTo(TlsTag.DEFAULT);
    }

    @Test
    void que20_tooManyReceivedHeadersIsAMailLoop() throws Exception {
        server.close();
        server = new TestServer(TestServer.with(b -> b.maxReceived(3)));
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("Received: one\r\nReceived: two\r\n\r\nReceived: in body does not count\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
            c.cmd("MAIL FROM:<a@a.example>");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("Received: one\r\nRECEIVED: two\r\nreceived: three\r\n\r\nbody\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("554 5.4.6 Too many Received headers (mail loop?)");
            assertThat(server.queue.committed).hasSize(1);
        }
    }
}
