package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import dev.rampart.server.smtp.auth.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A submission by a real, independent SMTP client (swaks), when installed. */
class SwaksTest {

    private static boolean swaksInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "swaks").canExecute()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void swaksSubmitsWithPipeliningAndGetsQueued() throws Exception {
        assumeTrue(swaksInstalled(), "swaks is not installed");
        try (TestServer server = new TestServer()) {
            Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1", "--port",
                    Integer.toString(server.address.getPort()), "--ehlo", "swaks.example", "--from", "app@a.example",
                    "--to", "user@b.example", "--pipeline", "--header", "Subject: from swaks",
                    "--body", "hello\n.leading dot line\n", "--timeout", "20")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).containsPattern("<[-~]\\s+250 2\\.0\\.0 Ok: queued as [0-9A-Z]{18}");
            FakeMessageQueue.Stored m = server.queue.only();
            assertThat(m.params().sender()).isEqualTo("app@a.example");
            assertThat(m.text()).contains("Received: from swaks.example ([127.0.0.1])")
                    .contains("Subject: from swaks").contains("\r\n.leading dot line\r\n");
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void swaksStartTlsThenAuthPlainThenRelays(@TempDir Path dir) throws Exception {
        assumeTrue(swaksInstalled(), "swaks is not installed");
        TestCerts.PemFiles pem = TestCerts.write(dir, TestServer.HOSTNAME);
        Path users = dir.resolve("users");
        Files.writeString(users, new PasswordHasher(1000).userLine("alice", "s3cret pass".toCharArray()) + "\n");
        try (TestServer server = new TestServer(TestServer.with(b -> b.tls(pem).users(users).allowed("10.0.0.0/8")))) {
            String output = run(List.of("swaks", "--server", "127.0.0.1", "--port",
                    Integer.toString(server.address.getPort()), "--ehlo", "swaks.example", "--from", "app@a.example",
                    "--to", "user@b.example", "--tls", "--auth", "PLAIN", "--auth-user", "alice",
                    "--auth-password", "s3cret pass", "--timeout", "20"));
            assertThat(output).contains("220 2.0.0 Ready to start TLS").contains("235 2.7.0 Authentication successful")
                    .containsPattern("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{18}");
            FakeMessageQueue.Stored m = server.queue.only();
            assertThat(m.params().authUser()).isEqualTo("alice");
            assertThat(m.text()).contains("with ESMTPSA id");
        }
    }
}
