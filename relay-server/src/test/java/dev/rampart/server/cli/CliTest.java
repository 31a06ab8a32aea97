package dev.rampart.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecipientState;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.FakeExplainer;
import dev.rampart.server.admin.FakeQueue;
import dev.rampart.server.admin.StsFixture;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rampart.server.admin.FakeQueue.entry;
import static dev.rampart.server.admin.FakeQueue.recipient;
import static org.assertj.core.api.Assertions.assertThat;

/** The rampart command line: exit codes 0/1/2 and output shapes, against a real admin listener. */
class CliTest {
    static final String ID = "0123456789ABCDEFGH";
    static final String HELD = "0123456789ABCDEFGJ";

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<Runnable> shutdownHook = new AtomicReference<>();
    private final FakeQueue queue = new FakeQueue();
    private StsFixture sts;
    private AdminServer admin;
    private String adminUrl;

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        CommandLine cli = Main.commandLine(new Main.CliContext(
                new ConfigLoader(env, dir, () -> "relay.test.example"), http, shutdownHook::set));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void startAdmin() throws IOException {
        queue.put(entry(ID, "alice@example.com", QueueState.DEFERRED, Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2026-11-22T12:30:00Z"), 1200, List.of(
                        recipient(0, "bob@example.net", RecipientState.DEFERRED, 2, "451 4.7.1 greylisted"),
                        recipient(1, "carol@example.org", RecipientState.DELIVERED, 1, "250 ok"))));
        queue.put(entry(HELD, "", QueueState.HOLD, Instant.parse("2026-11-22T11:00:00Z"),
                Instant.parse("2026-11-22T11:00:00Z"), 34, List.of(
                        recipient(0, "dave@example.com", RecipientState.QUEUED, 0, ""))));
        sts = new StsFixture(dir);
        admin = new AdminServer(new HostPort("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(), queue, () -> { }, new FakeExplainer(), sts.service, sts.clock);
        admin.start();
        adminUrl = "http://" + AdminServer.hostPort(admin.address());
    }

    @AfterEach
    void stopAdmin() {
        admin.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** SMTP on a free port and a spool of its own, so that a test relay never meets another one. */
    private String relayParts() throws IOException {
        return "smtp:\n  listen: [\"127.0.0.1:" + freePort() + "\"]\n  hostname: relay.test.example\n"
                + "queue:\n  dir: \"" + dir.resolve("spool-" + System.nanoTime()) + "\"\n";
    }

    private Path config(String yaml) throws IOException {
        Path f = dir.resolve("rampart-" + System.nanoTime() + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    // ------------------------------------------------------------------ version, usage

    @Test
    void versionPrintsTheBuildVersionAndExitsZero() {
        Run r = run("version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("rampart " + VersionCommand.version() + System.lineSeparator())
                .contains("java " + Runtime.version());
        assertThat(VersionCommand.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void missingOrUnknownCommandIsAUsageError() {
        assertThat(run().exit()).isEqualTo(2);
        Run unknown = run("frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate");
        assertThat(run("queue").exit()).isEqualTo(2);
        assertThat(run("config").exit()).isEqualTo(2);
    }

    @Test
    void helpExitsZero() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve").contains("queue").contains("config").contains("version");
    }

    // ------------------------------------------------------------------ config check

    @Test
    void configCheckPrintsTheEffectiveConfig() throws Exception {
        env.put("RAMPART_SMTP_MAX_RECIPIENTS", "250");
        env.put("RAMPART_SMTP_LISTENS", "typo");
        env.put("RAMPART_JAVA_OPTS", "-Xmx64m");
        Run r = run("config", "check");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("# configuration is valid").contains("\"127.0.0.1:2525\"")
                .contains("max-recipients: 250").contains("hostname: relay.test.example");
        assertThat(r.err()).contains("RAMPART_SMTP_LISTENS is not a configuration key").doesNotContain("RAMPART_JAVA_OPTS");
    }

    @Test
    void configCheckOfABadFileExitsTwoWithTheKey() throws Exception {
        Run r = run("config", "check", "--config", config("smtp:\n  max-recipients: 5\n").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("config error: smtp.max-recipients: must be between 100");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void configCheckOfAMissingFileExitsTwo() {
        Run r = run("config", "check", "--config", dir.resolve("nope.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read file (no such file)");
    }

    // ------------------------------------------------------------------ queue

    @Test
    void queueListJsonIsTheAdminApiJson() throws Exception {
        Run r = run("queue", "list", "--json", "--admin", adminUrl);
        assertThat(r.exit()).isZero();
        ObjectMapper json = new ObjectMapper();
        JsonNode printed = json.readTree(r.out());
        String served = http.send(HttpRequest.newBuilder(URI.create(adminUrl + "/api/queue")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(printed).isEqualTo(json.readTree(served));
        assertThat(printed.path("messages").get(0).path("recipients").get(0).path("last_reply").asText())
                .isEqualTo("451 4.7.1 greylisted");
    }

    @Test
    void queueListTableReadsLikeMailq() {
        Run r = run("queue", "list", "--admin", adminUrl);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("QUEUE ID").contains(ID).contains("deferred").contains("alice@example.com")
                .contains("-> bob@example.net  deferred, attempts 2, last reply: 451 4.7.1 greylisted")
                .contains(HELD).contains("<>")
                .contains("-- 1234 octets in 2 messages, 3 recipients");
    }

    @Test
    void queueListOfAnEmptyQueue() throws Exception {
        run("queue", "delete", ID, "--admin", adminUrl);
        run("queue", "delete", HELD, "--admin", adminUrl);
        Run r = run("queue", "list", "--admin", adminUrl);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("Mail queue is empty\n");
    }

    @Test
    void queueCommandsFindTheRelayFromTheConfigFileOrTheEnvironment() throws Exception {
        String listen = AdminServer.hostPort(admin.address());
        Path f = config("admin:\n  listen: \"" + listen + "\"\n");
        assertThat(run("queue", "list", "--config", f.toString()).exit()).isZero();
        env.put("RAMPART_ADMIN_LISTEN", listen);
        assertThat(run("queue", "list").exit()).isZero();
    }

    @Test
    void queueCommandsNeedOnlyTheAdminListenKey() throws Exception {
        String listen = AdminServer.hostPort(admin.address());
        Path f = config("admin:\n  listen: \"" + listen + "\"\nsmtp:\n  tls:\n    cert: /root-only/cert.pem\n"
                + "    key: /root-only/key.pem\n");
        assertThat(run("config", "check", "--config", f.toString()).exit()).isEqualTo(2);
        assertThat(run("queue", "list", "--config", f.toString()).exit()).isZero();
    }

    @Test
    void unreachableRelayExitsOneAndSaysWhatWasTried() throws Exception {
        int port = freePort();
        Run r = run("queue", "list", "--admin", "http://127.0.0.1:" + port);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("is rampart serve running? tried http://127.0.0.1:" + port);
    }

    @Test
    void showPrintsOneMessage() {
        Run r = run("queue", "show", ID, "--admin", adminUrl);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("queue id:     " + ID).contains("state:        deferred")
                .contains("bob@example.net").contains("last reply: 451 4.7.1 greylisted");
    }

    @Test
    void badIdIsAUsageErrorAndUnknownIdAFailure() {
        Run bad = run("queue", "show", "../../etc/passwd", "--admin", adminUrl);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a queue id");
        Run unknown = run("queue", "hold", "0123456789ABCDEFGK", "--admin", adminUrl);
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no such message: 0123456789ABCDEFGK");
    }

    @Test
    void flushHoldReleaseDeleteChangeTheQueue() {
        Run flush = run("queue", "flush", "--admin", adminUrl);
        assertThat(flush.exit()).isZero();
        assertThat(flush.out()).isEqualTo("flushed 1 message\n");
        assertThat(queue.stateOf(QueueId.parse(ID))).hasValue(QueueState.INCOMING);

        assertThat(run("queue", "hold", ID, "--admin", adminUrl).out()).isEqualTo("held " + ID + "\n");
        assertThat(queue.stateOf(QueueId.parse(ID))).hasValue(QueueState.HOLD);
        assertThat(run("queue", "release", ID, "--admin", adminUrl).out()).isEqualTo("released " + ID + "\n");
        assertThat(queue.stateOf(QueueId.parse(ID))).hasValue(QueueState.INCOMING);
        Run release = run("queue", "release", ID, "--admin", adminUrl);
        assertThat(release.exit()).isEqualTo(1);
        assertThat(release.err()).contains("is not on hold");
        assertThat(run("queue", "delete", ID, "--admin", adminUrl).out()).isEqualTo("deleted " + ID + "\n");
        assertThat(queue.stateOf(QueueId.parse(ID))).isEmpty();
    }

    @Test
    void adminAndConfigTogetherOrABadUrlAreUsageErrors() throws Exception {
        assertThat(run("queue", "list", "--admin", adminUrl, "--config", config("").toString()).exit()).isEqualTo(2);
        assertThat(run("queue", "list", "--admin", "ftp://x").exit()).isEqualTo(2);
    }

    @Test
    void queueCommandWithABadConfigExitsTwo() throws Exception {
        Run r = run("queue", "list", "--config", config("admin:\n  listen: nowhere\n").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("config error: admin.listen");
    }

    // ------------------------------------------------------------------ serve

    @Test
    void serveWithABadConfigExitsTwo() throws Exception {
        Run r = run("serve", "--config", config("smtp:\n  allowed-networks: [10.0.0.0/33x]\n").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("config error: smtp.allowed-networks[0]:");
    }

    @Test
    void serveRunsUntilTheShutdownHookStopsIt() throws Exception {
        int port = freePort();
        // DNSSEC off: the self-check needs a signed name on the network, and readiness waits for it.
        Path f = config("admin:\n  listen: \"127.0.0.1:" + port + "\"\n" + relayParts() + "log:\n  level: warn\n"
                + "dns:\n  dnssec: \"off\"\n");
        CompletableFuture<Run> serving = CompletableFuture.supplyAsync(() -> run("serve", "--config", f.toString()));
        URI health = URI.create("http://127.0.0.1:" + port + "/healthz");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline && !serving.isDone()) {
            try {
                status = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        assertThat(status).as("healthz while serving").isEqualTo(200);
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(serving).isNotDone();

        shutdownHook.get().run(); // what SIGTERM does
        Run r = serving.get(30, TimeUnit.SECONDS);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void serveExitsOneWhenTheAdminPortIsTaken() throws Exception {
        String taken = AdminServer.hostPort(admin.address());
        Run r = run("serve", "--config",
                config("admin:\n  listen: \"" + taken + "\"\n" + relayParts() + "log:\n  level: warn\n").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot start: admin.listen " + taken);
    }
}
