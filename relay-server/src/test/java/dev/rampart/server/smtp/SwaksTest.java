package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
}
