package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.TlsTag;
import dev.rampart.server.smtp.auth.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS (SUB-16, SUB-17), AUTH (SUB-20), relay rights (SUB-13) and REQUIRETLS (SUB-23) with real TLS. */
class SmtpTlsAuthTest {
    @TempDir
    Path dir;
    private TestServer server;
    private SSLContext clientTls;

    @BeforeEach
    void start() throws Exception {
        TestCerts.PemFiles pem = TestCerts.write(dir, TestServer.HOSTNAME);
        Path users = dir.resolve("users");
        PasswordHasher hasher = new PasswordHasher(1000);
        Files.writeString(users, "# test users\n" + hasher.userLine("alice", "s3cret pass".toCharArray()) + "\n\n"
                + hasher.userLine("bob@example.com", "hunter2".toCharArray()) + "\n");
        // Loopback is NOT trusted here: relaying needs AUTH.
        server = new TestServer(TestServer.with(b -> b.tls(pem).users(users).allowed("10.0.0.0/8")));
        clientTls = TestCerts.clientTrusting(pem.certificate());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SmtpTestClient tlsClient() throws Exception {
        SmtpTestClient c = server.client();
        assertThat(c.cmd("EHLO client.example")).containsPattern("250[- ]STARTTLS");
        assertThat(c.cmd("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
        c.upgradeToTls(clientTls);
        return c;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sub02_sub17_capabilitiesChangeAcrossStartTls() throws Exception {
        try (SmtpTestClient c = server.client()) {
            String before = c.cmd("EHLO client.example");
            assertThat(before).containsPattern("250[- ]STARTTLS").doesNotContain("AUTH").doesNotContain("REQUIRETLS");
            c.cmd("STARTTLS");
            c.upgradeToTls(clientTls);
            assertThat(c.sslSocket().getSession().getProtocol()).startsWith("TLSv1.");
            assertThat(c.cmd("MAIL FROM:<a@a.example>")).as("EHLO is forgotten after STARTTLS").startsWith("503");
            String after = c.cmd("EHLO client.example");
            assertThat(after).doesNotContain("STARTTLS").contains("AUTH PLAIN LOGIN").contains("REQUIRETLS");
            assertThat(c.cmd("STARTTLS")).startsWith("503 5.5.1");
        }
    }

    @Test
    void sub17_plaintextPipelinedAfterStartTlsIsNeverRunUnderTls() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            // one write, so both lines reach the server in the same read
            c.send("STARTTLS\r\nMAIL FROM:<evil@attacker.example>\r\n");
            assertThat(c.reply()).startsWith("220");
            c.upgradeToTls(clientTls);
            c.cmd("EHLO client.example");
            assertThat(c.cmd("RCPT TO:<victim@b.example>")).as("the injected MAIL did not run").startsWith("503");
            assertThat(c.cmd("MAIL FROM:<a@a.example>")).startsWith("250");
        }
        assertThat(server.rejections(RejectReason.STARTTLS_INJECTION)).isEqualTo(1.0);
    }

    @Test
    void sub17_startTlsInsideATransactionIsRefused() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            assertThat(c.cmd("STARTTLS")).startsWith("503");
        }
    }

    @Test
    void sub20_authNeedsTls() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            assertThat(c.cmd("AUTH PLAIN " + b64("\0alice\0s3cret pass"))).startsWith("538 5.7.11");
        }
    }

    @Test
    void sub13_sub20_authPlainLetsAnUntrustedClientRelay() throws Exception {
        try (SmtpTestClient c = tlsClient()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            assertThat(c.cmd("RCPT TO:<r@b.example>")).isEqualTo("550 5.7.1 Relay access denied");
            c.cmd("RSET");
            assertThat(c.cmd("AUTH PLAIN " + b64("\0alice\0s3cret pass"))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.cmd("AUTH PLAIN " + b64("\0alice\0s3cret pass"))).as("after success").startsWith("503");
            c.cmd("MAIL FROM:<a@a.example>");
            assertThat(c.cmd("AUTH LOGIN")).as("inside a transaction").startsWith("503");
            assertThat(c.cmd("RCPT TO:<r@b.example>")).startsWith("250");
            c.cmd("DATA");
            c.send("Subject: t\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        FakeMessageQueue.Stored m = server.queue.only();
        assertThat(m.params().authUser()).isEqualTo("alice");
        assertThat(m.text()).contains("with ESMTPSA id").contains("(using TLSv1.");
        assertThat(server.metrics.get("rampart.smtp.auth").tag("result", "success").counter().count()).isEqualTo(1.0);
    }

    @Test
    void sub20_authLoginChallengeResponse() throws Exception {
        try (SmtpTestClient c = tlsClient()) {
            c.cmd("EHLO client.example");
            assertThat(c.cmd("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.cmd(b64("bob@example.com"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.cmd(b64("hunter2"))).startsWith("235 2.7.0");
        }
    }

    @Test
    void sub20_badCredentialsCancelAndGarbage() throws Exception {
        try (SmtpTestClient c = tlsClient()) {
            c.cmd("EHLO client.example");
            assertThat(c.cmd("AUTH PLAIN " + b64("\0alice\0wrong"))).isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(c.cmd("AUTH PLAIN " + b64("\0nobody\0s3cret pass"))).startsWith("535 5.7.8");
            assertThat(c.cmd("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(c.cmd("*")).startsWith("501");
            assertThat(c.cmd("AUTH PLAIN !!notbase64")).startsWith("501");
            assertThat(c.cmd("AUTH CRAM-MD5")).startsWith("504");
            assertThat(c.cmd("AUTH PLAIN " + b64("bob@example.com\0alice\0s3cret pass"))).as("no proxy authorization")
                    .startsWith("535");
            assertThat(c.cmd("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(c.cmd(b64("\0alice\0s3cret pass"))).startsWith("235");
        }
        assertThat(server.rejections(RejectReason.AUTH_FAILED)).isEqualTo(2.0);
    }

    @Test
    void sub23_requireTlsUnderTlsTagsTheMessageAndBeatsTheHeader() throws Exception {
        try (SmtpTestClient c = tlsClient()) {
            c.cmd("EHLO client.example");
            c.cmd("AUTH PLAIN " + b64("\0alice\0s3cret pass"));
            assertThat(c.cmd("MAIL FROM:<a@a.example> REQUIRETLS")).startsWith("250");
            c.cmd("RCPT TO:<r@b.example>");
            c.cmd("DATA");
            c.send("TLS-Required: No\r\nSubject: t\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
        assertThat(server.queue.only().params().tls()).isEqualTo(TlsTag.REQUIRE_TLS);
    }

    @Test
    void sub13_untrustedUnauthenticatedClientCannotRelayAnywhere() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            c.cmd("MAIL FROM:<a@a.example>");
            for (String rcpt : new String[] {"r@b.example", "postmaster@" + TestServer.HOSTNAME, "x@[127.0.0.1]",
                    "y@localhost"}) {
                assertThat(c.cmd("RCPT TO:<" + rcpt + ">")).isEqualTo("550 5.7.1 Relay access denied");
            }
            assertThat(c.cmd("DATA")).startsWith("554");
        }
        assertThat(server.queue.committed).isEmpty();
        assertThat(server.rejections(RejectReason.RELAY_DENIED)).isEqualTo(4.0);
    }

    @Test
    void credentialsNeverReachTheLog() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("rampart");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        log.addAppender(events);
        try (SmtpTestClient c = tlsClient()) {
            c.cmd("EHLO client.example");
            c.cmd("AUTH PLAIN " + b64("\0alice\0wrong-password-1"));
            c.cmd("AUTH LOGIN");
            c.cmd(b64("wrong-password-2")); // a password typed as the user name
            c.cmd(b64("x"));
            c.cmd("AUTH PLAIN " + b64("\0alice\0s3cret pass"));
        } finally {
            log.detachAppender(events);
        }
        String all = String.join("\n", events.list.stream().map(e -> e.getFormattedMessage()).toList());
        assertThat(all).contains("authenticated user=alice").contains("authentication failed")
                .doesNotContain("wrong-password").doesNotContain("s3cret").doesNotContain(b64("\0alice\0s3cret pass"))
                .doesNotContain(b64("wrong-password-2"));
    }

    @Test
    void garbageInsteadOfAHandshakeClosesTheConnection() throws Exception {
        try (SmtpTestClient c = server.client()) {
            c.cmd("EHLO client.example");
            assertThat(c.cmd("STARTTLS")).startsWith("220");
            c.send("EHLO this is not a TLS record\r\n");
            assertThat(c.drainUntilClosed()).isTrue();
        }
    }
}
