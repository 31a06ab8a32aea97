package dev.rampart.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The built relay ({@code java -jar rampart.jar serve --config <yaml>}) as a child process, run with the
 * test JVM's own java. The jar comes from the system property {@code rampart.jar} (set by failsafe).
 * stdout/stderr go to files, appended across restarts so the delivery log of every run stays readable.
 * {@link #start} and {@link #restart} return once the SMTP port greets with 220 and the admin listener
 * answers {@code /healthz}. {@link #kill9()} is a
 * crash (SIGKILL), {@link #stop()} a clean SIGTERM. Not thread-safe.
 */
final class RampartProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final String HOSTNAME = "relay.rampart.test";

    private final Path dir;
    private final Path config;
    private final int smtpPort;
    private final int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ChildProcess process;

    private RampartProcess(Path dir, Path config, int smtpPort, int adminPort) {
        this.dir = dir;
        this.config = config;
        this.smtpPort = smtpPort;
        this.adminPort = adminPort;
    }

    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** The configuration keys the end-to-end tests set; everything else keeps the relay's defaults. */
    static final class Builder {
        private final Path dir;
        private List<String> allowedNetworks = List.of("127.0.0.0/8");
        private List<String> retrySchedule = List.of("10m");
        private List<String> dnsServers = List.of();
        private String delayWarning = "";
        private String dnssec = "";
        private Path trustAnchors;
        private Path trustStore;
        private Path policyMap;
        private String enforcement = "";
        private String tlsrpt = "";
        private Path dkimKeys;

        private Builder(Path dir) {
            this.dir = dir;
        }

        Builder allowedNetworks(String... cidrs) {
            allowedNetworks = List.of(cidrs);
            return this;
        }

        Builder retrySchedule(String... durations) {
            retrySchedule = List.of(durations);
            return this;
        }

        /** queue.delay-warning: how long before a deferred recipient's sender gets one delay notice (QUE-13). */
        Builder delayWarning(String duration) {
            delayWarning = duration;
            return this;
        }

        Builder dns(NsdServer nsd) {
            dnsServers = List.of(nsd.hostPort());
            return this;
        }

        /** dns.servers as "a.b.c.d:port" entries (e.g. a validating resolver instead of NSD). */
        Builder dnsServers(String... hostPorts) {
            dnsServers = List.of(hostPorts);
            return this;
        }

        /**
         * dns.dnssec: validate | trust-ad | off. Written only when a test sets it, so the other tests' configs
         * keep the relay's default.
         */
        Builder dnssec(String mode) {
            dnssec = mode;
            return this;
        }

        /** dns.trust-anchors: a zone-file of DS/DNSKEY records replacing the bundled root anchors. */
        Builder trustAnchors(Path file) {
            trustAnchors = file;
            return this;
        }

        /** tls.trust-store: a PEM bundle of CAs added to the JDK roots for every PKIX check (MTA-STS). */
        Builder trustStore(Path pem) {
            trustStore = pem;
            return this;
        }

        /** tls.policy-map: "<destination> <level>" lines (POL-10). */
        Builder policyMap(Path file) {
            policyMap = file;
            return this;
        }

        /** tls.enforcement: enforce | shadow. Written only when a test sets it. */
        Builder enforcement(String mode) {
            enforcement = mode;
            return this;
        }

        /**
         * tlsrpt.*: reports from {@code contactInfo} (the submitter is its domain), DKIM-signed with the
         * PKCS#8 PEM {@code dkimKey} under {@code selector}; {@code enabled: false}, so reports go out only
         * when a test runs {@code rampart tlsrpt send}, never on the daily schedule.
         */
        Builder tlsrpt(String contactInfo, String organizationName, String selector, Path dkimKey) {
            tlsrpt = "tlsrpt:\n  enabled: false\n  contact-info: \"" + contactInfo + "\"\n"
                    + "  organization-name: \"" + organizationName + "\"\n"
                    + "  dkim:\n    selector: \"" + selector + "\"\n    key: \"" + dkimKey + "\"\n";
            return this;
        }

        /** dkim.keys: "<domain> <selector> <key-file>" lines; relayed mail from those domains is signed. */
        Builder dkimKeys(Path file) {
            dkimKeys = file;
            return this;
        }

        RampartProcess start() throws IOException, InterruptedException {
            Files.createDirectories(dir);
            int smtpPort = HostTools.freePort();
            int adminPort = HostTools.freePort();
            StringBuilder y = new StringBuilder();
            y.append("smtp:\n")
                    .append("  listen: [\"127.0.0.1:").append(smtpPort).append("\"]\n")
                    .append("  hostname: ").append(HOSTNAME).append('\n')
                    .append("  allowed-networks: ").append(yamlList(allowedNetworks)).append('\n')
                    .append("queue:\n")
                    .append("  dir: \"").append(dir.resolve("spool")).append("\"\n")
                    .append("  retry-schedule: ").append(yamlList(retrySchedule)).append('\n')
                    .append(delayWarning.isEmpty() ? "" : "  delay-warning: \"" + delayWarning + "\"\n")
                    .append("admin:\n")
                    .append("  listen: \"127.0.0.1:").append(adminPort).append("\"\n")
                    .append("dns:\n")
                    .append("  servers: ").append(yamlList(dnsServers)).append('\n')
                    // Unsigned test zones are under no anchor of ours: validation is off unless a test sets it.
                    .append("  dnssec: ").append(dnssec.isEmpty() ? "\"off\"" : dnssec).append('\n')
                    .append(trustAnchors == null ? "" : "  trust-anchors: \"" + trustAnchors + "\"\n")
                    // With validation on, the self-check proves it on the signed test TLD (a secure denial).
                    .append(dnssec.isEmpty() ? "" : "  self-check:\n    secure-name: \"" + TestZones.TLD + "\"\n")
                    .append(trustStore == null && policyMap == null && enforcement.isEmpty() ? "" : "tls:\n")
                    .append(trustStore == null ? "" : "  trust-store: \"" + trustStore + "\"\n")
                    .append(policyMap == null ? "" : "  policy-map: \"" + policyMap + "\"\n")
                    .append(enforcement.isEmpty() ? "" : "  enforcement: " + enforcement + "\n")
                    .append(tlsrpt)
                    .append(dkimKeys == null ? "" : "dkim:\n  keys: \"" + dkimKeys + "\"\n")
                    .append("delivery:\n")
                    .append("  port: 25\n")
                    .append("log:\n")
                    .append("  format: text\n");
            Path config = dir.resolve("rampart.yaml");
            Files.writeString(config, y.toString(), StandardCharsets.UTF_8);
            RampartProcess relay = new RampartProcess(dir, config, smtpPort, adminPort);
            try {
                relay.launch();
            } catch (RuntimeException | Error | IOException | InterruptedException e) {
                relay.close(); // a relay that never greeted is still our process to end
                throw e;
            }
            return relay;
        }

        private static String yamlList(List<String> items) {
            return items.stream().map(s -> "\"" + s + "\"").toList().toString();
        }
    }

    static Path jar() {
        String jar = System.getProperty("rampart.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property rampart.jar must name the built relay jar (got " + jar
                    + "); run the end-to-end tests with 'mvn verify', which packages it and sets the property");
        }
        return Path.of(jar);
    }

    static String java() {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this test"));
    }

    private void launch() throws IOException, InterruptedException {
        process = ChildProcess.start("rampart", List.of(java(), "-jar", jar().toString(), "serve", "--config",
                config.toString()), dir, dir, Map.of());
        Await.untilTrue("the relay to greet on 127.0.0.1:" + smtpPort, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new Await.Abort("the relay exited during start\n" + diagnostics());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                byte[] code = in.readNBytes(3);
                s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                return new String(code, StandardCharsets.US_ASCII).equals("220");
            }
        }, this::diagnostics);
        Await.untilTrue("the admin listener to answer /healthz", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new Await.Abort("the relay exited during start\n" + diagnostics());
            }
            return http.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/healthz")).GET()
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }, this::diagnostics);
    }

    InetSocketAddress smtp() {
        return new InetSocketAddress("127.0.0.1", smtpPort);
    }

    String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    Path config() {
        return config;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: a crash with no chance to clean up. */
    void kill9() throws InterruptedException {
        process.kill9();
    }

    /** SIGTERM and wait for a clean exit; returns the exit code. */
    int stop() throws InterruptedException {
        return process.stop();
    }

    /** Starts again with the same configuration, ports and spool (after {@link #kill9} or {@link #stop}). */
    void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("relay still running (pid " + process.pid() + ")");
        }
        launch();
    }

    /** Every delivery log line written so far, across restarts. */
    List<DeliveryLogLine> deliveryLog() throws IOException {
        Path out = process.stdout();
        if (!Files.exists(out)) {
            return List.of();
        }
        List<DeliveryLogLine> lines = new ArrayList<>();
        for (String l : new String(Files.readAllBytes(out), StandardCharsets.UTF_8).lines().toList()) {
            DeliveryLogLine.parse(l).ifPresent(lines::add);
        }
        return lines;
    }

    /** Every line the relay has written to stdout so far, across restarts (delivery lines and the rest). */
    List<String> stdoutLines() throws IOException {
        Path out = process.stdout();
        return Files.exists(out) ? new String(Files.readAllBytes(out), StandardCharsets.UTF_8).lines().toList() : List.of();
    }

    DeliveryLogLine awaitDelivery(String what, Predicate<DeliveryLogLine> match, Duration timeout)
            throws InterruptedException {
        return Await.until("delivery log line: " + what, timeout,
                () -> deliveryLog().stream().filter(match).findFirst(), this::diagnostics);
    }

    /** GET {@code path} (e.g. /readyz, /metrics) on the admin listener: status and body as text. */
    HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(adminUrl() + path)).GET().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET /api/queue as a tree. */
    JsonNode queue() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/api/queue")).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /api/queue: HTTP " + r.statusCode() + " " + r.body());
        }
        return new ObjectMapper().readTree(r.body());
    }

    /** The queue entry of {@code queueId} from /api/queue, if listed. */
    Optional<JsonNode> queued(String queueId) throws IOException, InterruptedException {
        for (JsonNode m : queue().path("messages")) {
            if (m.path("id").asText().equals(queueId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Runs the CLI against this relay's admin listener: {@code java -jar rampart.jar <args> --admin <url>}. */
    Tools.Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--admin", adminUrl()));
        return Tools.run(Duration.ofSeconds(60), command);
    }

    String diagnostics() {
        return process == null ? "(relay not started)" : process.tail(60);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.stop();
        }
    }
}
