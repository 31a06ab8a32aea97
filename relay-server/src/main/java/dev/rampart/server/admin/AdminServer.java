package dev.rampart.server.admin;

import dev.rampart.server.tlsrpt.TlsRptService;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rampart.policy.decide.AddressLiterals;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueueId;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.delivery.ProbeReport;
import dev.rampart.server.sts.StsService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin HTTP listener: {@code /healthz}, {@code /readyz}, {@code /metrics} (Prometheus text or
 * OpenMetrics, negotiated from {@code Accept}), the queue API that {@code rampart queue} talks to, the
 * way postqueue talks to Postfix, {@code /api/policy/explain} for {@code rampart policy explain}, and the
 * MTA-STS cache under {@code /api/sts/} ({@link StsRoutes}, {@code rampart sts}). It has no authentication,
 * so it binds loopback unless told otherwise.
 *
 * <p>Requests run on a small pool of worker threads, never on the HTTP dispatcher, because queue calls
 * block on disk. Queue ids are validated before the queue sees them (400); an unknown id is 404; a queue
 * that fails with an I/O error gives 503. {@link #close()} stops accepting and is idempotent.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String QUEUE = "/api/queue";
    private static final String EXPLAIN = "/api/policy/explain";
    private static final int WORKERS = 4;

    private final HostPort listen;
    private final PrometheusMeterRegistry metrics;
    private final List<ReadinessCheck> readiness;
    private final MessageQueue queue;
    private final Runnable wakeScheduler;
    private final PolicyExplainer explainer;
    private final StsRoutes sts;
    private final Optional<TlsRptRoutes> tlsrpt;
    private final InstantSource clock;
    private HttpServer server;
    private ExecutorService workers;

    /**
     * @param listen        address to bind (port 0 picks a free port, see {@link #address()})
     * @param metrics       the registry every part of the relay registers its meters in
     * @param readiness     all must pass for /readyz to answer 200
     * @param queue         the message queue the API reads and changes
     * @param wakeScheduler run after flush and release so due mail goes out now, not at the next tick
     * @param explainer     answers {@code GET /api/policy/explain?domain=D[&probe=1]}
     * @param sts           the relay's MTA-STS service, whose cache {@code /api/sts/} shows, refreshes and purges
     * @param clock         policy ages and validity in the answers
     */
    public AdminServer(HostPort listen, PrometheusMeterRegistry metrics, List<ReadinessCheck> readiness,
                       MessageQueue queue, Runnable wakeScheduler, PolicyExplainer explainer, StsService sts,
                       InstantSource clock) {
        this(listen, metrics, readiness, queue, wakeScheduler, explainer, sts, clock, Optional.empty());
    }

    /** @param tlsrpt the relay's TLS-RPT service, which {@code /api/tlsrpt/} previews and sends */
    public AdminServer(HostPort listen, PrometheusMeterRegistry metrics, List<ReadinessCheck> readiness,
                       MessageQueue queue, Runnable wakeScheduler, PolicyExplainer explainer, StsService sts,
                       InstantSource clock, Optional<TlsRptService> tlsrpt) {
        this.tlsrpt = tlsrpt.map(TlsRptRoutes::new);
        this.listen = listen;
        this.metrics = metrics;
        this.readiness = List.copyOf(readiness);
        this.queue = queue;
        this.wakeScheduler = wakeScheduler;
        this.explainer = explainer;
        this.sts = new StsRoutes(sts, clock);
        this.clock = clock;
    }

    /** Binds and starts serving. Throws when the address cannot be bound. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 50);
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(WORKERS, r -> {
            Thread t = new Thread(r, "rampart-admin-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(workers);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        log.atInfo().addKeyValue("address", hostPort(address())).log("admin listener started");
    }

    /** The bound address; only after {@link #start()}. */
    public synchronized InetSocketAddress address() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
        log.info("admin listener stopped");
    }

    /** "127.0.0.1:8025" / "[::1]:8025", for logs and messages. */
    public static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    // ------------------------------------------------------------------ routing

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String route = "unknown";
        AdminReply reply;
        try (exchange) {
            try {
                route = routeName(path);
                if (path.equals(EXPLAIN)) {
                    reply = explain(method, exchange.getRequestURI().getRawQuery());
                } else if (path.startsWith(TlsRptRoutes.PREFIX) && tlsrpt.isPresent()) {
                    reply = tlsrpt.get().handle(method, path.substring(TlsRptRoutes.PREFIX.length()),
                            query(exchange.getRequestURI().getRawQuery()));
                } else if (path.startsWith(StsRoutes.PREFIX)) {
                    reply = sts.handle(method, exchange.getRequestURI().getPath().substring(StsRoutes.PREFIX.length()));
                } else {
                    reply = route(method, path, exchange.getRequestHeaders().getFirst("Accept"));
                }
            } catch (IOException e) {
                log.atWarn().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("error", e.toString())
                        .log("admin request failed");
                reply = AdminReply.error(503, "queue unavailable: " + e.getMessage());
            } catch (RuntimeException e) {
                log.error("admin request failed method={} path={}", method, path, e);
                reply = AdminReply.error(500, "internal error: " + e);
            }
            // Counted before the reply goes out, so a client that has its answer also sees it counted.
            Counter.builder("rampart_admin_requests")
                    .description("Admin HTTP requests by route and status")
                    .tag("route", route).tag("status", Integer.toString(reply.status()))
                    .register(metrics).increment();
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (!reply.allow().isEmpty()) {
                exchange.getResponseHeaders().set("Allow", reply.allow());
            }
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), head ? -1 : (reply.body().length == 0 ? -1 : reply.body().length));
            if (!head && reply.body().length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(reply.body());
                }
            }
        }
    }

    /** A bounded label for the metrics: the route template, never the id itself. */
    private static String routeName(String path) {
        if (path.equals(QUEUE) || path.equals(QUEUE + "/flush") || path.equals(EXPLAIN) || path.equals("/healthz")
                || path.equals("/readyz") || path.equals("/metrics")) {
            return path;
        }
        if (path.startsWith(StsRoutes.PREFIX)) {
            return StsRoutes.routeName(path.substring(StsRoutes.PREFIX.length()));
        }
        if (path.equals(TlsRptRoutes.PREFIX + "preview") || path.equals(TlsRptRoutes.PREFIX + "send")) {
            return path;
        }
        if (path.startsWith(QUEUE + "/")) {
            String rest = path.substring(QUEUE.length() + 1);
            int slash = rest.indexOf('/');
            return slash < 0 ? QUEUE + "/{id}" : QUEUE + "/{id}/" + (switch (rest.substring(slash + 1)) {
                case "hold" -> "hold";
                case "release" -> "release";
                default -> "other";
            });
        }
        return "unknown";
    }

    private AdminReply route(String method, String path, String accept) throws IOException {
        switch (path) {
            case "/healthz" -> {
                return isRead(method) ? AdminReply.text(200, "ok") : AdminReply.methodNotAllowed("GET, HEAD");
            }
            case "/readyz" -> {
                return isRead(method) ? readyz() : AdminReply.methodNotAllowed("GET, HEAD");
            }
            case "/metrics" -> {
                return isRead(method) ? metrics(accept) : AdminReply.methodNotAllowed("GET, HEAD");
            }
            case QUEUE, QUEUE + "/" -> {
                return isRead(method) ? AdminReply.json(200, QueueJson.list(queue.list())) : AdminReply.methodNotAllowed("GET");
            }
            case QUEUE + "/flush" -> {
                return method.equals("POST") ? flush() : AdminReply.methodNotAllowed("POST");
            }
            default -> {
                if (path.startsWith(QUEUE + "/")) {
                    return message(method, path.substring(QUEUE.length() + 1));
                }
                return AdminReply.error(404, "no such resource: " + path);
            }
        }
    }

    /**
     * {@code GET /api/policy/explain?domain=D[&probe=1]}: the plan delivery would follow for D, with a live
     * probe of its hosts when asked. A name that is not a domain or address literal is 400; a plan that
     * defers or fails is still an answer (200) that says so.
     */
    private AdminReply explain(String method, String rawQuery) {
        if (!isRead(method)) {
            return AdminReply.methodNotAllowed("GET");
        }
        Map<String, String> query;
        try {
            query = query(rawQuery);
        } catch (IllegalArgumentException e) {
            return AdminReply.error(400, "malformed query string: " + e.getMessage());
        }
        String domain = query.getOrDefault("domain", "");
        if (domain.isEmpty()) {
            return AdminReply.error(400, "missing query parameter: domain");
        }
        Optional<String> nextHop = AddressLiterals.isLiteralSyntax(domain)
                ? AddressLiterals.parseLiteral(domain).map(a -> domain)
                : DomainNames.normalize(domain);
        if (nextHop.isEmpty()) {
            return AdminReply.error(400, "not a domain name or address literal: '" + domain + "'");
        }
        boolean probe = switch (query.getOrDefault("probe", "0")) {
            case "1", "true", "yes" -> true;
            default -> false;
        };
        try {
            DestinationPlan plan = explainer.plan(nextHop.get());
            Optional<List<ProbeReport>> probes = probe ? Optional.of(explainer.probe(plan)) : Optional.empty();
            return AdminReply.json(200, PolicyJson.explain(plan, probes, clock.instant(), sts.fetchBlockedUntil(plan.sts())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminReply.error(503, "interrupted while planning delivery to " + nextHop.get());
        }
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private AdminReply readyz() {
        List<String> problems = new ArrayList<>();
        for (ReadinessCheck check : readiness) {
            try {
                check.problem().ifPresent(problems::add);
            } catch (RuntimeException e) {
                problems.add("readiness check failed: " + e);
            }
        }
        if (problems.isEmpty()) {
            return AdminReply.text(200, "ready");
        }
        return AdminReply.text(503, "not ready\n" + String.join("\n", problems) + "\n");
    }

    private AdminReply metrics(String accept) throws IOException {
        // Prometheus asks for OpenMetrics first and accepts the classic text format; both are text, so the
        // choice is only which of the two the scraper named. The registry picks its writer from the same type.
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        metrics.scrape(body, type);
        return new AdminReply(200, type, body.toByteArray(), "");
    }

    private AdminReply flush() throws IOException {
        int n = queue.flush();
        wakeScheduler.run();
        log.atInfo().addKeyValue("messages", n).log("queue flushed by operator");
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("flushed", n);
        return AdminReply.json(200, o);
    }

    /** /api/queue/{id}, /api/queue/{id}/hold, /api/queue/{id}/release. */
    private AdminReply message(String method, String rest) throws IOException {
        int slash = rest.indexOf('/');
        String idText = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        if (!QueueId.isValid(idText)) {
            return AdminReply.error(400, "not a queue id: '" + idText + "' (18 characters of 0-9 A-Z without I L O U)");
        }
        QueueId id = QueueId.parse(idText);
        return switch (action) {
            case "" -> switch (method) {
                case "GET", "HEAD" -> show(id);
                case "DELETE" -> delete(id);
                default -> AdminReply.methodNotAllowed("GET, DELETE");
            };
            case "hold" -> method.equals("POST") ? hold(id) : AdminReply.methodNotAllowed("POST");
            case "release" -> method.equals("POST") ? release(id) : AdminReply.methodNotAllowed("POST");
            default -> AdminReply.error(404, "no such resource: " + QUEUE + "/" + rest);
        };
    }

    private AdminReply show(QueueId id) throws IOException {
        Optional<QueueEntry> entry = queue.find(id);
        return entry.map(e -> AdminReply.json(200, QueueJson.message(e))).orElseGet(() -> notFound(id));
    }

    private AdminReply delete(QueueId id) throws IOException {
        if (!queue.delete(id)) {
            return notFound(id);
        }
        log.atInfo().addKeyValue("queue_id", id).log("queue message deleted by operator");
        return done(id, "deleted");
    }

    private AdminReply hold(QueueId id) throws IOException {
        if (queue.hold(id)) {
            log.atInfo().addKeyValue("queue_id", id).log("queue message held by operator");
            return done(id, "held");
        }
        return queue.find(id).isPresent() ? AdminReply.error(409, "message " + id + " cannot be held in its current state")
                : notFound(id);
    }

    private AdminReply release(QueueId id) throws IOException {
        if (queue.release(id)) {
            wakeScheduler.run();
            log.atInfo().addKeyValue("queue_id", id).log("queue message released by operator");
            return done(id, "released");
        }
        return queue.find(id).isPresent() ? AdminReply.error(409, "message " + id + " is not on hold")
                : notFound(id);
    }

    private static AdminReply notFound(QueueId id) {
        return AdminReply.error(404, "no such message: " + id);
    }

    private static AdminReply done(QueueId id, String result) {
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("id", id.value());
        o.put("result", result);
        return AdminReply.json(200, o);
    }
}
