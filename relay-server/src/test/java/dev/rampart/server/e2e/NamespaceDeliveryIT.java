package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery inside a network namespace this test creates: the relay listens on a namespace address,
 * resolves through NSD (its {@code dns.servers}), and delivers to a Postfix MX over STARTTLS. The whole
 * world runs in {@code src/test/netns/namespace-delivery.sh}; this test runs it against the built jar
 * and checks the evidence it prints (the delivery log line and the MX's Received header).
 */
class NamespaceDeliveryIT {

    @TempDir
    Path dir;

    @Test
    void deliversOverStarttlsInsideANamespace() throws Exception {
        HostTools.requireRoot();
        Path script = Path.of("src/test/netns/namespace-delivery.sh").toAbsolutePath();
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(List.of("bash", script.toString(), RampartProcess.jar().toString(),
                RampartProcess.java()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean finished = p.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(finished).as("script finished; output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output)
                .contains("namespace-delivery: OK")
                .containsPattern("status=sent relay=mx\\.example\\.test\\[127\\.0\\.3\\.1\\]:25 tls=unauthenticated policy=none")
                .containsPattern("\\(using TLSv1\\.[23] ");
    }
}
