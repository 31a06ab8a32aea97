package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MTA-STS policy web server (RFC 8461 §3.3): an nginx (Debian package nginx) run as a child process in
 * the foreground ({@code daemon off}) with its own prefix, configuration, pid file, logs and temp paths under
 * a test directory, listening on {@code <its loopback address>:443}. One HTTPS server block per policy host
 * {@code mta-sts.<domain>}, selected by SNI, each with its own certificate (e.g. issued by a test CA); a
 * handshake for any other name is refused ({@code ssl_reject_handshake}), so a wrong SNI cannot be served by
 * accident. Each site serves {@code /.well-known/mta-sts.txt} as {@code text/plain} from a file the test
 * writes ({@link #policy}); while no file is there ({@link #notFound}) the answer is 404. Files are read on
 * every request (nginx keeps no open-file cache unless told to), so changes need no reload.
 *
 * <p>{@link #stop} ends nginx by PID (SIGTERM to the master, which is our child) and {@link #start} brings it
 * back with the same configuration on the same address (a policy server that went away and returned). The
 * system nginx service is never used. Not thread-safe.
 */
final class NginxServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final int PORT = 443;
    static final String POLICY_PATH = "/.well-known/mta-sts.txt";

    private final InetAddress address;
    private final Path dir;
    private final Path config;
    private final Map<String, Path> siteRoots;
    private ChildProcess process;

    private NginxServer(InetAddress address, Path dir, Path config, Map<String, Path> siteRoots) {
        this.address = address;
        this.dir = dir;
        this.config = config;
        this.siteRoots = Map.copyOf(siteRoots);
    }

    static Builder builder() {
        return new Builder();
    }

    /** The policy domains to serve and their certificates. */
    static final class Builder {
        private final Map<String, TestCertificates.PemFiles> sites = new LinkedHashMap<>();
        private InetAddress address;

        private Builder() {}

        /**
         * Serves {@code https://mta-sts.<policyDomain>/} with {@code certificate} (whose SAN should name
         * {@code mta-sts.<policyDomain>}, unless a test wants it not to). No policy file until {@link #policy}.
         */
        Builder site(String policyDomain, TestCertificates.PemFiles certificate) {
            sites.put(policyDomain.toLowerCase(Locale.ROOT), certificate);
            return this;
        }

        /** Listen here instead of on a fresh free loopback address. */
        Builder address(InetAddress fixed) {
            this.address = fixed;
            return this;
        }

        NginxServer start(Path dir) throws IOException, InterruptedException {
            return NginxServer.create(this, dir);
        }
    }

    /** "mta-sts.<domain>": the name the policy host has in DNS, in SNI and in its certificate (STS-06). */
    static String policyHost(String policyDomain) {
        return "mta-sts." + policyDomain.toLowerCase(Locale.ROOT);
    }

    private static NginxServer create(Builder b, Path dir) throws IOException, InterruptedException {
        HostTools.requireRoot();
        HostTools.require("nginx", "nginx");
        if (b.sites.isEmpty()) {
            throw new IllegalArgumentException("an MTA-STS policy server needs at least one site");
        }
        InetAddress address = b.address != null ? b.address : HostTools.freeLoopback(PORT, false);
        Path prefix = dir.toAbsolutePath();
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("temp"));
        Map<String, Path> roots = new LinkedHashMap<>();
        String listen = address.getHostAddress() + ":" + PORT;
        StringBuilder c = new StringBuilder();
        // Workers run as root like the master: the test directory need not be opened up to www-data.
        c.append("user root root;\n")
                .append("worker_processes 1;\n")
                .append("daemon off;\n")
                .append("pid ").append(prefix.resolve("nginx.pid")).append(";\n")
                .append("error_log ").append(prefix.resolve("logs/error.log")).append(" info;\n")
                .append("events { worker_connections 64; }\n")
                .append("http {\n")
                // One line per request: the SNI name (which site answered), the request line, the status.
                .append("  log_format sts '$ssl_server_name \"$request\" $status';\n")
                .append("  access_log ").append(prefix.resolve("logs/access.log")).append(" sts;\n")
                .append("  client_body_temp_path ").append(prefix.resolve("temp/body")).append(";\n")
                .append("  proxy_temp_path ").append(prefix.resolve("temp/proxy")).append(";\n")
                .append("  fastcgi_temp_path ").append(prefix.resolve("temp/fastcgi")).append(";\n")
                .append("  uwsgi_temp_path ").append(prefix.resolve("temp/uwsgi")).append(";\n")
                .append("  scgi_temp_path ").append(prefix.resolve("temp/scgi")).append(";\n")
                .append("  server_tokens off;\n")
                .append("  ssl_protocols TLSv1.2 TLSv1.3;\n")
                // Any SNI that names no site: no certificate is shown, the handshake fails.
                .append("  server {\n")
                .append("    listen ").append(listen).append(" ssl default_server;\n")
                .append("    ssl_reject_handshake on;\n")
                .append("  }\n");
        for (Map.Entry<String, TestCertificates.PemFiles> site : b.sites.entrySet()) {
            String host = policyHost(site.getKey());
            Path root = prefix.resolve("sites").resolve(host);
            Files.createDirectories(root.resolve(".well-known"));
            roots.put(site.getKey(), root);
            c.append("  server {\n")
                    .append("    listen ").append(listen).append(" ssl;\n")
                    .append("    server_name ").append(host).append(";\n")
                    .append("    ssl_certificate ").append(site.getValue().cert()).append(";\n")
                    .append("    ssl_certificate_key ").append(site.getValue().key()).append(";\n")
                    .append("    root ").append(root).append(";\n")
                    .append("    location = ").append(POLICY_PATH).append(" {\n")
                    .append("      types { }\n")
                    .append("      default_type \"text/plain; charset=utf-8\";\n")
                    .append("      add_header Cache-Control \"no-store\";\n")
                    .append("    }\n")
                    .append("    location / { return 404; }\n")
                    .append("  }\n");
        }
        c.append("}\n");
        Path config = prefix.resolve("nginx.conf");
        Files.writeString(config, c.toString(), StandardCharsets.US_ASCII);
        NginxServer server = new NginxServer(address, prefix, config, roots);
        server.checkConfig();
        server.start();
        return server;
    }

    /** {@code nginx -t}: a configuration error fails here with nginx's own words, not as a start timeout. */
    private void checkConfig() throws IOException, InterruptedException {
        Tools.Result t = Tools.run(Duration.ofSeconds(30), command("-t"));
        if (t.exitCode() != 0) {
            throw new IllegalStateException("nginx -t rejects the test configuration:\n" + t.output());
        }
    }

    private List<String> command(String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of(HostTools.require("nginx", "nginx").toString(),
                "-p", dir.toString(), "-c", config.toString(), "-e", dir.resolve("logs/error.log").toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** Starts nginx (again, after {@link #stop}) and returns once it accepts TCP connections on port 443. */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("nginx already running (pid " + process.pid() + ")");
        }
        process = ChildProcess.start("nginx", command(), dir, dir.resolve("logs"), Map.of());
        try {
            Await.untilTrue("nginx to listen on " + address.getHostAddress() + ":" + PORT, START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new Await.Abort("nginx exited during start\n" + diagnostics());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, PORT), 1000);
                    return true;
                }
            }, this::diagnostics);
        } catch (RuntimeException | Error e) {
            process.stop();
            throw e;
        }
    }

    /** Stops nginx (SIGTERM to the master, our child; its workers go with it); new connections are refused. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.stop();
        }
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Publishes {@code text} as the policy of {@code policyDomain} (written to a temporary file and renamed,
     * so a request never sees half a policy).
     */
    void policy(String policyDomain, String text) throws IOException {
        Path target = policyFile(policyDomain);
        Path tmp = target.resolveSibling("mta-sts.txt.tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the policy file of {@code policyDomain}: its policy URL answers 404 from now on. */
    void notFound(String policyDomain) throws IOException {
        Files.deleteIfExists(policyFile(policyDomain));
    }

    private Path policyFile(String policyDomain) {
        Path root = siteRoots.get(policyDomain.toLowerCase(Locale.ROOT));
        if (root == null) {
            throw new IllegalArgumentException("no site mta-sts." + policyDomain + " on this policy server");
        }
        return root.resolve(POLICY_PATH.substring(1));
    }

    InetAddress address() {
        return address;
    }

    /** Access log lines so far: {@code <SNI name> "<request line>" <status>}. */
    List<String> accessLog() throws IOException {
        Path log = dir.resolve("logs/access.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    /** The statuses of the requests for {@code policyDomain}'s policy so far, oldest first. */
    List<Integer> policyRequests(String policyDomain) throws IOException {
        String prefix = policyHost(policyDomain) + " \"GET " + POLICY_PATH + " ";
        return accessLog().stream().filter(l -> l.startsWith(prefix))
                .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1))).toList();
    }

    String diagnostics() {
        return (process == null ? "(nginx not started)\n" : process.tail(20))
                + "--- error.log:\n" + ChildProcess.lastLines(dir.resolve("logs/error.log"), 30)
                + "--- access.log:\n" + ChildProcess.lastLines(dir.resolve("logs/access.log"), 30);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
