package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A TLS-RPT HTTPS endpoint (RFC 8460 §5.4): an nginx (Debian package nginx) in the foreground with its own
 * prefix under a test directory, serving {@code https://<host>/tlsrpt} on {@code <its loopback address>:443}
 * with a certificate (e.g. from the test CA). A POST's body is kept on disk
 * ({@code client_body_in_file_only on}) and the request is passed to a second server block of the same nginx,
 * on the same address and another port, that answers 200; the access log line names the method, path,
 * status, {@code Content-Type} and the body's file, so a test reads exactly the bytes nginx received
 * ({@link #posts}). While {@link #failing} is on, every POST gets 503 without its body being kept.
 *
 * <p>Stopped by PID ({@link #close}); the system nginx service is never used. Not thread-safe.
 */
final class ReportCollector implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final String PATH = "/tlsrpt";

    /** One request as nginx logged it; {@code body} is empty unless nginx kept it (a 2xx POST). */
    record Post(String method, String path, int status, String contentType, byte[] body) {}

    private final String host;
    private final InetAddress address;
    private final Path dir;
    private final Path config;
    private ChildProcess process;

    private ReportCollector(String host, InetAddress address, Path dir, Path config) {
        this.host = host;
        this.address = address;
        this.dir = dir;
        this.config = config;
    }

    /** nginx for {@code https://<host>/tlsrpt} with {@code certificate}, on a fresh free loopback address. */
    static ReportCollector start(String host, TestCertificates.PemFiles certificate, Path dir)
            throws IOException, InterruptedException {
        HostTools.requireRoot();
        InetAddress address = HostTools.freeLoopback(443, false);
        int backendPort = HostTools.freePort();
        Path prefix = dir.toAbsolutePath();
        for (String d : List.of("logs", "temp", "bodies")) {
            Files.createDirectories(prefix.resolve(d));
        }
        String c = "user root root;\n"
                + "worker_processes 1;\n"
                + "daemon off;\n"
                + "pid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("logs/error.log") + " info;\n"
                + "events { worker_connections 64; }\n"
                + "http {\n"
                + "  log_format rpt '$server_port $request_method $uri $status \"$content_type\" $request_body_file';\n"
                + "  access_log " + prefix.resolve("logs/access.log") + " rpt;\n"
                + "  proxy_temp_path " + prefix.resolve("temp/proxy") + ";\n"
                + "  fastcgi_temp_path " + prefix.resolve("temp/fastcgi") + ";\n"
                + "  uwsgi_temp_path " + prefix.resolve("temp/uwsgi") + ";\n"
                + "  scgi_temp_path " + prefix.resolve("temp/scgi") + ";\n"
                + "  server_tokens off;\n"
                + "  ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "  server {\n"
                + "    listen " + address.getHostAddress() + ":443 ssl;\n"
                + "    server_name " + host + ";\n"
                + "    ssl_certificate " + certificate.cert() + ";\n"
                + "    ssl_certificate_key " + certificate.key() + ";\n"
                // Every body goes to a file of its own, which nginx keeps after the request.
                + "    client_body_in_file_only on;\n"
                + "    client_body_temp_path " + prefix.resolve("bodies") + ";\n"
                + "    client_max_body_size 10m;\n"
                + "    location = " + PATH + " {\n"
                + "      if (-f " + prefix.resolve("failing") + ") { return 503; }\n"
                + "      proxy_pass http://" + address.getHostAddress() + ":" + backendPort + ";\n"
                + "    }\n"
                + "    location / { return 404; }\n"
                + "  }\n"
                + "  server {\n"
                + "    listen " + address.getHostAddress() + ":" + backendPort + ";\n"
                + "    location / { return 200 \"ok\\n\"; }\n"
                + "  }\n"
                + "}\n";
        Path config = prefix.resolve("nginx.conf");
        Files.writeString(config, c, StandardCharsets.US_ASCII);
        ReportCollector collector = new ReportCollector(host, address, prefix, config);
        Tools.Result t = Tools.run(Duration.ofSeconds(30), collector.command("-t"));
        if (t.exitCode() != 0) {
            throw new IllegalStateException("nginx -t rejects the report endpoint configuration:\n" + t.output());
        }
        collector.launch();
        return collector;
    }

    private List<String> command(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(HostTools.require("nginx", "nginx").toString(), "-p", dir.toString(),
                "-c", config.toString(), "-e", dir.resolve("logs/error.log").toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private void launch() throws IOException, InterruptedException {
        process = ChildProcess.start("nginx-reports", command(), dir, dir.resolve("logs"), Map.of());
        try {
            Await.untilTrue("the report endpoint to listen on " + address.getHostAddress() + ":443", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new Await.Abort("nginx exited during start\n" + diagnostics());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, 443), 1000);
                    return true;
                }
            }, this::diagnostics);
        } catch (RuntimeException | Error e) {
            process.stop();
            throw e;
        }
    }

    /** The URI the relay is told to post to (the {@code rua} of a {@code _smtp._tls} record). */
    String uri() {
        return "https://" + host + PATH;
    }

    String host() {
        return host;
    }

    InetAddress address() {
        return address;
    }

    /** While on, every POST gets 503 (an endpoint that is down for a while); read at each request. */
    void failing(boolean on) throws IOException {
        Path flag = dir.resolve("failing");
        if (on) {
            Files.writeString(flag, "503\n", StandardCharsets.US_ASCII);
        } else {
            Files.deleteIfExists(flag);
        }
    }

    /** The requests to the TLS endpoint so far, oldest first, with the bodies nginx kept. */
    List<Post> posts() throws IOException {
        Path log = dir.resolve("logs/access.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Post> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            // "<port> <method> <uri> <status> "<content type>" <body file or ->"
            String[] head = line.split(" ", 5);
            if (head.length < 5 || !head[0].equals("443")) {
                continue; // the backend block's own line for the same request
            }
            String rest = head[4];
            int close = rest.indexOf('"', 1);
            String contentType = rest.substring(1, close);
            String file = rest.substring(close + 1).trim();
            byte[] body = file.equals("-") || file.isEmpty() ? new byte[0] : Files.readAllBytes(Path.of(file));
            out.add(new Post(head[1], head[2], Integer.parseInt(head[3]), contentType, body));
        }
        return out;
    }

    String diagnostics() {
        return (process == null ? "(nginx not started)\n" : process.tail(20))
                + "--- error.log:\n" + ChildProcess.lastLines(dir.resolve("logs/error.log"), 30)
                + "--- access.log:\n" + ChildProcess.lastLines(dir.resolve("logs/access.log"), 30);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.stop();
        }
    }
}
