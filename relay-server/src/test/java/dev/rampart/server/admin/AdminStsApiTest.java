package dev.rampart.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.server.config.HostPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/sts/{domain}} over a real admin listener and a real HTTP client, with a real policy cache in
 * a temporary directory; only the TXT answers and the policy web server are faked (STS-10, STS-13..15).
 */
class AdminStsApiTest {
    private static final String DOMAIN = "example.com";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private StsFixture sts;
    private AdminServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        sts = new StsFixture(dir);
        sts.publish(DOMAIN, "20261122");
        sts.policies.put(DOMAIN, StsFixture.policy("enforce", 86400, "mx1.example.com", "*.example.net"));
        server = new AdminServer(new HostPort("127.0.0.1", 0), registry, List.of(), new FakeQueue(), () -> { },
                new FakeExplainer(), sts.service, sts.clock);
        server.start();
        base = URI.create("http://" + AdminServer.hostPort(server.address()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body());
    }

    @Test
    void showIs404WhenNothingIsCached() throws Exception {
        HttpResponse<String> r = send("GET", "/api/sts/" + DOMAIN);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r).path("error").asText()).isEqualTo("no MTA-STS policy cached for example.com");
        assertThat(sts.fetched).as("show never fetches").isEmpty();
    }

    @Test
    void refreshFetchesAndShowReportsTheCachedPolicyWithItsAgeAndExpiry_STS13() throws Exception {
        HttpResponse<String> refreshed = send("POST", "/api/sts/Example.COM./refresh");
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonNode r = body(refreshed);
        assertThat(r.path("domain").asText()).isEqualTo(DOMAIN);
        assertThat(r.path("result").asText()).isEqualTo("refreshed");
        assertThat(r.path("cached_policy_kept").asBoolean()).isFalse();
        assertThat(r.path("txt").path("id").asText()).isEqualTo("20261122");
        assertThat(r.path("lookup").path("source").asText()).isEqualTo("fetch");
        assertThat(r.path("policy").path("mode").asText()).isEqualTo("enforce");
        assertThat(sts.fetched).containsExactly(DOMAIN);

        sts.now.set(sts.now.get().plus(Duration.ofHours(1)));
        HttpResponse<String> shown = send("GET", "/api/sts/" + DOMAIN);
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode s = body(shown);
        assertThat(s.path("domain").asText()).isEqualTo(DOMAIN);
        assertThat(s.path("enabled").asBoolean()).isTrue();
        assertThat(s.path("cached").asBoolean()).isTrue();
        JsonNode p = s.path("policy");
        assertThat(p.path("id").asText()).isEqualTo("20261122");
        assertThat(p.path("mode").asText()).isEqualTo("enforce");
        assertThat(p.path("max_age").asLong()).isEqualTo(86400);
        assertThat(p.path("mx")).extracting(JsonNode::asText).containsExactly("mx1.example.com", "*.example.net");
        assertThat(p.path("fetched_at").asText()).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(p.path("expires_at").asText()).isEqualTo("2026-11-23T12:00:00Z");
        assertThat(p.path("refresh_at").asText()).isNotEmpty();
        assertThat(p.path("valid").asBoolean()).isTrue();
        assertThat(p.path("age_seconds").asLong()).isEqualTo(3600);
        assertThat(s.path("policy_text").asText()).contains("mode: enforce");
        assertThat(s.path("fetch_blocked_until").asText()).isEmpty();
        assertThat(sts.fetched).as("show does not fetch").hasSize(1);
    }

    @Test
    void aPolicyPastItsMaxAgeIsShownAsNoLongerValid_STS13() throws Exception {
        send("POST", "/api/sts/" + DOMAIN + "/refresh");
        sts.now.set(sts.now.get().plus(Duration.ofSeconds(86400)));
        JsonNode p = body(send("GET", "/api/sts/" + DOMAIN)).path("policy");
        assertThat(p.path("valid").asBoolean()).as("valid while now < fetched_at + max_age").isFalse();
    }

    @Test
    void theCachedPolicySurvivesARestart_STS13() throws Exception {
        send("POST", "/api/sts/" + DOMAIN + "/refresh");
        StsFixture restarted = new StsFixture(dir);
        assertThat(restarted.service.show(DOMAIN)).hasValueSatisfying(e -> assertThat(e.id()).isEqualTo("20261122"));
    }

    @Test
    void aFailedRefreshKeepsTheValidCachedPolicyAndShowsTheBackoff_STS15_STS10() throws Exception {
        send("POST", "/api/sts/" + DOMAIN + "/refresh");
        sts.policies.put(DOMAIN, new StsFetchResult.Failed(StsFailureKind.FETCH_ERROR, "HTTP 503 from mta-sts.example.com"));
        sts.now.set(sts.now.get().plus(Duration.ofMinutes(10)));

        JsonNode r = body(send("POST", "/api/sts/" + DOMAIN + "/refresh"));
        assertThat(r.path("result").asText()).isEqualTo("failed");
        assertThat(r.path("cached_policy_kept").asBoolean()).isTrue();
        assertThat(r.path("reason").asText()).contains("HTTP 503");
        assertThat(r.path("lookup").path("result").asText()).isEqualTo("applied");
        assertThat(r.path("lookup").path("source").asText()).isEqualTo("cache");
        assertThat(r.path("policy").path("id").asText()).isEqualTo("20261122");
        assertThat(r.path("lookup").path("fetch_blocked_until").asText()).isEqualTo("2026-11-22T12:15:00Z");

        JsonNode s = body(send("GET", "/api/sts/" + DOMAIN));
        assertThat(s.path("fetch_blocked_until").asText()).isEqualTo("2026-11-22T12:15:00Z");
    }

    @Test
    void aFailedRefreshWithNothingCachedNamesTheTlsRptResultType() throws Exception {
        sts.policies.put(DOMAIN, new StsFetchResult.Failed(StsFailureKind.WEBPKI_INVALID,
                "certificate chain not trusted"));
        JsonNode r = body(send("POST", "/api/sts/" + DOMAIN + "/refresh"));
        assertThat(r.path("result").asText()).isEqualTo("failed");
        assertThat(r.path("cached_policy_kept").asBoolean()).isFalse();
        assertThat(r.path("reason").asText()).isEqualTo("sts-webpki-invalid: certificate chain not trusted");
        assertThat(r.path("lookup").path("result").asText()).isEqualTo("fetch-failed");
        assertThat(r.path("lookup").path("failure").asText()).isEqualTo("sts-webpki-invalid");
        assertThat(r.has("policy")).isFalse();
    }

    @Test
    void refreshWithoutTxtRecordAndNothingCachedHasNothingToFetch() throws Exception {
        sts.txt.clear();
        JsonNode r = body(send("POST", "/api/sts/" + DOMAIN + "/refresh"));
        assertThat(r.path("result").asText()).isEqualTo("failed");
        assertThat(r.path("txt").path("result").asText()).isEqualTo("absent");
        assertThat(r.path("txt").path("reason").asText()).contains("NXDOMAIN");
        assertThat(r.path("reason").asText()).contains("nothing to refresh");
        assertThat(sts.fetched).isEmpty();
    }

    @Test
    void purgeForgetsThePolicyOnDiskAndSaysWhetherThereWasOne() throws Exception {
        send("POST", "/api/sts/" + DOMAIN + "/refresh");
        HttpResponse<String> purged = send("DELETE", "/api/sts/" + DOMAIN);
        assertThat(purged.statusCode()).isEqualTo(200);
        assertThat(body(purged).path("result").asText()).isEqualTo("purged");
        assertThat(body(purged).path("had_policy").asBoolean()).isTrue();
        assertThat(send("GET", "/api/sts/" + DOMAIN).statusCode()).isEqualTo(404);
        assertThat(new StsFixture(dir).service.show(DOMAIN)).as("gone after a restart too").isEmpty();
        JsonNode again = body(send("DELETE", "/api/sts/" + DOMAIN));
        assertThat(again.path("had_policy").asBoolean()).isFalse();
    }

    @Test
    void namesThatAreNotDomainsAre400() throws Exception {
        HttpResponse<String> literal = send("GET", "/api/sts/%5B192.0.2.1%5D");
        assertThat(literal.statusCode()).isEqualTo(400);
        assertThat(body(literal).path("error").asText())
                .isEqualTo("not a domain name: '[192.0.2.1]' (MTA-STS applies to domain names only)");
        HttpResponse<String> bad = send("POST", "/api/sts/a..b/refresh");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(body(bad).path("error").asText()).startsWith("not a domain name: 'a..b'");
        HttpResponse<String> empty = send("GET", "/api/sts/");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(body(empty).path("error").asText()).startsWith("missing domain");
        assertThat(sts.fetched).isEmpty();
    }

    @Test
    void unknownActionsAre404AndWrongMethods405() throws Exception {
        assertThat(send("POST", "/api/sts/" + DOMAIN + "/fetch").statusCode()).isEqualTo(404);
        HttpResponse<String> put = send("PUT", "/api/sts/" + DOMAIN);
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, DELETE");
        HttpResponse<String> getRefresh = send("GET", "/api/sts/" + DOMAIN + "/refresh");
        assertThat(getRefresh.statusCode()).isEqualTo(405);
        assertThat(getRefresh.headers().firstValue("Allow")).hasValue("POST");
        assertThat(sts.fetched).isEmpty();
    }

    @Test
    void metricsLabelTheRouteNeverTheDomain() throws Exception {
        send("GET", "/api/sts/" + DOMAIN);
        send("POST", "/api/sts/" + DOMAIN + "/refresh");
        String metrics = send("GET", "/metrics").body();
        assertThat(metrics).contains("route=\"/api/sts/{domain}\"").contains("route=\"/api/sts/{domain}/refresh\"")
                .doesNotContain("example.com");
    }
}
