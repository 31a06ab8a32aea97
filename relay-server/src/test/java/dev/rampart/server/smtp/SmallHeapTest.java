package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 50 MB message through a listener whose whole JVM has a 48 MB heap: streaming is not optional. */
class SmallHeapTest {

    @Test
    void fiftyMegabyteMessageFitsThroughA48MegabyteHeap() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-Xmx48m", "-XX:MaxDirectMemorySize=32m",
                "-Dlogback.configurationFile=logback-test.xml", "-cp", System.getProperty("java.class.path"),
                LargeMessageProbe.class.getName(), Long.toString(50L * 1024 * 1024)))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("reply=250 2.0.0 Ok: queued as").doesNotContain("OutOfMemoryError");
    }
}
