package dev.rampart.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/rampart run as a process, the way an operator runs it. The script builds the jar first when it is
 * missing or older than the sources, so the first run may take a minute or two.
 */
class LauncherTest {
    static final Path SCRIPT = Path.of("..", "bin", "rampart").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Process start(List<String> args, Path stdout, Path stderr) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    @Test
    void versionRunsThroughTheLauncher() throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = start(List.of("version"), out, err);
        assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("launcher finished").isTrue();
        assertThat(p.exitValue()).as("exit status; stderr: %s", Files.readString(err)).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("rampart " + VersionCommand.version());
        assertThat(lines.get(1)).matches("java (2[1-9]|[3-9]\\d).*");
    }

    @Test
    void aJavaHomeOlderThan21IsSkipped() throws Exception {
        versionRunsThroughTheLauncher(); // the jar exists from here on
        for (String version : List.of("17.0.15", "1.8.0_392")) {
            Path home = Files.createDirectories(dir.resolve("jdk-" + version + "/bin"));
            Path fake = home.resolve("java");
            Files.writeString(fake, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2024-01-01' >&2\n"
                    + "echo 'this old java must not run rampart'\nexit 3\n");
            assertThat(fake.toFile().setExecutable(true)).isTrue();
            Path out = dir.resolve("out-" + version);
            Path err = dir.resolve("err-" + version);
            ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "version").directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("JAVA_HOME", home.getParent().toString());
            Process p = pb.start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as("stderr: %s", Files.readString(err)).isZero();
            assertThat(Files.readString(out)).startsWith("rampart " + VersionCommand.version());
        }
    }

    @Test
    void serveStopsCleanlyOnSigterm() throws Exception {
        versionRunsThroughTheLauncher(); // makes sure the jar is built, so the timing below is the relay's
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("rampart.yaml");
        int smtpPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = s.getLocalPort();
        }
        Files.writeString(config, "admin:\n  listen: \"127.0.0.1:" + port + "\"\nsmtp:\n  hostname: relay.test.example\n"
                + "  listen: [\"127.0.0.1:" + smtpPort + "\"]\nqueue:\n  dir: \"" + dir.resolve("spool") + "\"\n");
        Path out = dir.resolve("serve.out");
        Path err = dir.resolve("serve.err");
        Process p = start(List.of("serve", "--config", config.toString()), out, err);
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + port + "/healthz");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int status = 0;
            while (status != 200 && p.isAlive() && System.nanoTime() < deadline) {
                try {
                    status = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    p.waitFor(50, TimeUnit.MILLISECONDS);
                }
            }
            assertThat(status).as("healthz; stderr: %s", Files.readString(err)).isEqualTo(200);
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
            assertThat(Files.readString(out)).contains("rampart started").contains("rampart stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
