package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecipientState;
import dev.rampart.server.config.HostPort;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rampart.server.admin.FakeQueue.entry;
import static dev.rampart.server.admin.FakeQueue.recipient;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin listener over real HTTP on loopback, with an in-memory queue. */
class AdminServerTest {
    static final String DEFERRED_ID = "0123456789ABCDEFGH";
    static final String HELD_ID = "0123456789ABCDEFGJ";
    static final String UNKNOWN_ID = "0123456789ABCDEFGK";
    static final Instant ARRIVAL = Instant.parse("2026-11-22T10:00:00.123Z");
    static final Instant NEXT = Instant.parse("2026-11-22T12:30:00Z");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeQueue queue = new FakeQueue();
    private final AtomicInteger wakeups = new AtomicInteger();
    private final AtomicReference<Optional<String>> readiness = new AtomicReference<>(Optional.empty());
    @TempDir
    Path stsDir;
    private StsFixture sts;
    private PrometheusMeterRegistry registry;
    private AdminServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        sts = new StsFixture(stsDir);
        queue.put(entry(DEFERRED_ID, "alice@example.com", QueueState.DEFERRED, ARRIVAL, NEXT, 1234, List.of(
                recipient(0, "bob@example.net", RecipientState.DEFERRED, 2, "451 4.7.1 greylisted"),
                recipient(1, "carol@example.org", RecipientState.DELIVERED, 1, "250 2.0.0 ok"))));
        queue.put(entry(HELD_ID, "", QueueState.HOLD, ARRIVAL, NEXT, 99, List.of(
                recipient(0, "dave@example.com", RecipientState.QUEUED, 0, ""))));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = new AdminServer(new HostPort("127.0.0.1", 0), registry,
                List.of(() -> Optional.empty(), () -> readiness.get()), queue, wakeups::incrementAndGet, new FakeExplainer(), sts.service, sts.clock);
        server.start();
        base = URI.create("http://" + AdminServer.hostPort(server.address()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return send(method, path, null);
    }

    @Test
    void healthzAnswersOk() throws Exception {
        HttpResponse<String> r = send("GET", "/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void readyzIsReadyWhenEveryCheckPasses() throws Exception {
        HttpResponse<String> r = send("GET", "/readyz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ready");
    }

    @Test
    void readyzIs503WithTheFailingChecksReason() throws Exception {
        readiness.set(Optional.of("queue: spool directory not writable"));
        HttpResponse<String> r = send("GET", "/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("not ready").contains("queue: spool directory not writable");
    }

    @Test
    void readyzCountsAThrowingCheckAsFailing() throws Exception {
        server.close();
        server = new AdminServer(new HostPort("127.0.0.1", 0), registry,
                List.of(() -> { throw new IllegalStateException("boom"); }), queue, wakeups::incrementAndGet, new FakeExplainer(), sts.service, sts.clock);
        server.start();
        base = URI.create("http://" + AdminServer.hostPort(server.address()));
        HttpResponse<String> r = send("GET", "/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("boom");
    }

    @Test
    void metricsScrapeContainsARegisteredCounterAsPrometheusText() throws Exception {
        Counter.builder("rampart_test_events").tag("kind", "probe").register(registry).increment(3);
        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(AdminServer.PROMETHEUS_TEXT);
        assertThat(r.body()).contains("rampart_test_events_total{kind=\"probe\"} 3.0");
    }

    @Test
    void metricsNegotiatesOpenMetricsFromAccept() throws Exception {
        Counter.builder("rampart_test_events").register(registry).increment();
        HttpResponse<String> r = send("GET", "/metrics",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(AdminServer.OPENMETRICS_TEXT);
        assertThat(r.body()).contains("rampart_test_events_total 1.0").endsWith("# EOF\n");
    }

    @Test
    void queueListHasTheDocumentedShape() throws Exception {
        HttpResponse<String> r = send("GET", "/api/queue");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode messages = json.readTree(r.body()).path("messages");
        assertThat(messages).hasSize(2);
        JsonNode m = messages.get(0);
        assertThat(m.path("id").asText()).isEqualTo(DEFERRED_ID);
        assertThat(m.path("sender").asText()).isEqualTo("alice@example.com");
        assertThat(m.path("arrival").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(m.path("state").asText()).isEqualTo("deferred");
        assertThat(m.path("next_attempt").asText()).isEqualTo("2026-11-22T12:30:00Z");
        assertThat(m.path("size").asLong()).isEqualTo(1234);
        JsonNode bob = m.path("recipients").get(0);
        assertThat(bob.path("address").asText()).isEqualTo("bob@example.net");
        assertThat(bob.path("state").asText()).isEqualTo("deferred");
        assertThat(bob.path("attempts").asInt()).isEqualTo(2);
        assertThat(bob.path("next_attempt").asText()).isEqualTo("2026-11-22T12:30:00Z");
        assertThat(bob.path("last_reply").asText()).isEqualTo("451 4.7.1 greylisted");
        JsonNode carol = m.path("recipients").get(1);
        assertThat(carol.path("state").asText()).isEqualTo("delivered");
        assertThat(carol.path("next_attempt").isNull()).isTrue();

        JsonNode held = messages.get(1);
        assertThat(held.path("state").asText()).isEqualTo("hold");
        assertThat(held.path("sender").asText()).isEmpty();
        assertThat(held.path("next_attempt").isNull()).isTrue();
        assertThat(held.path("recipients").get(0).path("state").asText()).isEqualTo("queued");
        assertThat(held.path("recipients").get(0).path("last_reply").isNull()).isTrue();
    }

    @Test
    void showReturnsOneMessage() throws Exception {
        HttpResponse<String> r = send("GET", "/api/queue/" + DEFERRED_ID);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).path("id").asText()).isEqualTo(DEFERRED_ID);
    }

    @Test
    void malformedIdIs400AndNeverReachesTheQueue() throws Exception {
        queue.failWith(new IOException("queue must not be touched"));
        for (String path : List.of("/api/queue/not-an-id", "/api/queue/..%2F..%2Fetc", "/api/queue/0123456789ABCDEFGI",
                "/api/queue/0123456789ABCDEFG/hold")) {
            HttpResponse<String> r = send("GET", path);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(json.readTree(r.body()).path("error").asText()).as(path).startsWith("not a queue id");
        }
    }

    @Test
    void unknownIdIs404() throws Exception {
        for (String[] call : new String[][] {{"GET", ""}, {"DELETE", ""}, {"POST", "/hold"}, {"POST", "/release"}}) {
            HttpResponse<String> r = send(call[0], "/api/queue/" + UNKNOWN_ID + call[1]);
            assertThat(r.statusCode()).as(call[0] + call[1]).isEqualTo(404);
            assertThat(json.readTree(r.body()).path("error").asText()).contains("no such message");
        }
    }

    @Test
    void flushMakesDeferredMailDueAndWakesTheScheduler() throws Exception {
        HttpResponse<String> r = send("POST", "/api/queue/flush");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).path("flushed").asInt()).isEqualTo(1);
        assertThat(queue.stateOf(QueueId.parse(DEFERRED_ID))).hasValue(QueueState.INCOMING);
        assertThat(wakeups).hasValue(1);
    }

    @Test
    void holdAndReleaseMoveTheMessageAndReleaseWakesTheScheduler() throws Exception {
        HttpResponse<String> held = send("POST", "/api/queue/" + DEFERRED_ID + "/hold");
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(json.readTree(held.body()).path("result").asText()).isEqualTo("held");
        assertThat(queue.stateOf(QueueId.parse(DEFERRED_ID))).hasValue(QueueState.HOLD);
        assertThat(wakeups).hasValue(0);

        HttpResponse<String> again = send("POST", "/api/queue/" + DEFERRED_ID + "/hold");
        assertThat(again.statusCode()).isEqualTo(409);

        HttpResponse<String> released = send("POST", "/api/queue/" + DEFERRED_ID + "/release");
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(queue.stateOf(QueueId.parse(DEFERRED_ID))).hasValue(QueueState.INCOMING);
        assertThat(wakeups).hasValue(1);

        assertThat(send("POST", "/api/queue/" + DEFERRED_ID + "/release").statusCode()).isEqualTo(409);
    }

    @Test
    void deleteRemovesTheMessage() throws Exception {
        HttpResponse<String> r = send("DELETE", "/api/queue/" + HELD_ID);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(queue.stateOf(QueueId.parse(HELD_ID))).isEmpty();
        assertThat(send("GET", "/api/queue/" + HELD_ID).statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = send("POST", "/healthz");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(send("GET", "/api/queue/flush").statusCode()).isEqualTo(405);
        assertThat(send("PUT", "/api/queue/" + DEFERRED_ID).statusCode()).isEqualTo(405);
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(send("GET", "/nope").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/queue/" + DEFERRED_ID + "/frobnicate").statusCode()).isEqualTo(404);
    }

    @Test
    void queueIoErrorIs503WithTheReason() throws Exception {
        queue.failWith(new IOException("disk on fire"));
        HttpResponse<String> r = send("GET", "/api/queue");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json.readTree(r.body()).path("error").asText()).isEqualTo("queue unavailable: disk on fire");
    }

    @Test
    void requestsAreCountedWithBoundedRouteLabels() throws Exception {
        send("GET", "/api/queue/" + DEFERRED_ID);
        send("GET", "/api/queue/" + UNKNOWN_ID);
        String scrape = registry.scrape();
        assertThat(scrape).contains("rampart_admin_requests_total{route=\"/api/queue/{id}\",status=\"200\"} 1.0")
                .contains("rampart_admin_requests_total{route=\"/api/queue/{id}\",status=\"404\"} 1.0")
                .doesNotContain(DEFERRED_ID);
    }

    @Test
    void closeReleasesThePortAndIsIdempotent() throws Exception {
        int port = server.address().getPort();
        server.close();
        server.close();
        AdminServer again = new AdminServer(new HostPort("127.0.0.1", port), registry, List.of(), queue, () -> { }, new FakeExplainer(), sts.service, sts.clock);
        again.start();
        again.close();
    }
}
