package dev.rampart.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.FakeExplainer;
import dev.rampart.server.admin.FakeQueue;
import dev.rampart.server.admin.StsFixture;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rampart sts show|refresh|purge} against a real admin listener whose MTA-STS service has a real
 * cache on disk; exit statuses 0 / 1 (nothing cached, refresh failed) / 2 (bad input, relay unreachable).
 */
class StsCommandTest {
    private static final String DOMAIN = "example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private StsFixture sts;
    private AdminServer admin;
    private String adminUrl;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        sts = new StsFixture(dir);
        sts.publish(DOMAIN, "20261122");
        sts.policies.put(DOMAIN, StsFixture.policy("enforce", 86400, "mx1.example.com", "*.example.net"));
        admin = new AdminServer(new HostPort("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(), new FakeQueue(), () -> { }, new FakeExplainer(), sts.service, sts.clock);
        admin.start();
        adminUrl = "http://" + AdminServer.hostPort(admin.address());
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private Run run(String... args) {
        CommandLine cli = Main.commandLine(new Main.CliContext(
                new ConfigLoader(Map.of(), dir, () -> "relay.test.example"), http, hook -> { }));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private void cached() throws InterruptedException {
        sts.service.refresh(DOMAIN);
        sts.fetched.clear();
    }

    @Test
    void showPrintsTheCachedPolicyForAPerson() throws Exception {
        cached();
        sts.now.set(sts.now.get().plus(Duration.ofMinutes(90)));
        Run r = run("sts", "show", "--admin", adminUrl, "Example.COM");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("""
                MTA-STS policy of example.com (cached, valid)
                  id:            20261122
                  mode:          enforce
                  max_age:       86400 s (1d)
                  mx:            mx1.example.com, *.example.net
                  fetched:       2026-11-22T12:00:00Z (1h 30m ago)
                  expires:       2026-11-23T12:00:00Z
                  refresh due:   %s
                  fetch backoff: none
                """.formatted(sts.service.show(DOMAIN).orElseThrow().refreshAt()));
        assertThat(sts.fetched).as("show never fetches").isEmpty();
    }

    @Test
    void showSaysWhenDiscoveryIsDisabledAndTheCachedPolicyIsIgnored() throws Exception {
        cached();
        admin.close();
        StsFixture disabled = new StsFixture(dir, false);
        admin = new AdminServer(new HostPort("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(), new FakeQueue(), () -> { }, new FakeExplainer(), disabled.service, disabled.clock);
        admin.start();
        Run r = run("sts", "show", "--admin", "http://" + AdminServer.hostPort(admin.address()), DOMAIN);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("  id:            20261122\n")
                .endsWith("MTA-STS is disabled (mta-sts.enabled: false): delivery ignores this policy.\n");
    }

    @Test
    void showJsonIsTheAdminApisAnswer() throws Exception {
        cached();
        Run r = run("sts", "show", "--admin", adminUrl, "--json", DOMAIN);
        assertThat(r.exit()).isZero();
        JsonNode s = JSON.readTree(r.out());
        assertThat(s.path("policy").path("id").asText()).isEqualTo("20261122");
        assertThat(s.path("policy").path("max_age").asLong()).isEqualTo(86400);
        assertThat(s.path("fetch_blocked_until").asText()).isEmpty();
    }

    @Test
    void showWithNothingCachedExits1() {
        Run r = run("sts", "show", "--admin", adminUrl, DOMAIN);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("rampart: no MTA-STS policy cached for example.com\n");
    }

    @Test
    void refreshFetchesNowAndExits0() {
        Run r = run("sts", "refresh", "--admin", adminUrl, DOMAIN);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("refreshed the MTA-STS policy of example.com\n")
                .contains("  id:            20261122\n").contains("  mode:          enforce\n");
        assertThat(sts.fetched).containsExactly(DOMAIN);
    }

    @Test
    void aFailedRefreshExits1AndSaysTheCachedPolicyStaysInForce_STS15() throws Exception {
        cached();
        sts.policies.put(DOMAIN, new StsFetchResult.Failed(StsFailureKind.FETCH_ERROR, "HTTP 503 from mta-sts.example.com"));
        Run r = run("sts", "refresh", "--admin", adminUrl, DOMAIN);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("refresh of the MTA-STS policy of example.com failed: ")
                .contains("HTTP 503 from mta-sts.example.com")
                .contains("  TXT record: id=20261122\n")
                .contains("the cached policy stays in force until it expires (STS-15)")
                .contains("    mode:          enforce\n");
    }

    @Test
    void aFailedRefreshWithNothingCachedSaysNoPolicyApplies() {
        sts.policies.clear();
        Run r = run("sts", "refresh", "--admin", adminUrl, DOMAIN);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("failed: sts-policy-fetch-error: HTTP 404 from mta-sts.example.com")
                .contains("no MTA-STS policy applies: mail to example.com goes out as if the domain had none");
    }

    @Test
    void purgeExits0WhenAPolicyWasCachedAnd1WhenNone() throws Exception {
        cached();
        Run first = run("sts", "purge", "--admin", adminUrl, DOMAIN);
        assertThat(first.exit()).isZero();
        assertThat(first.out()).isEqualTo("purged the cached MTA-STS policy of example.com; the next delivery "
                + "fetches it afresh\n");
        assertThat(sts.service.show(DOMAIN)).isEmpty();
        Run again = run("sts", "purge", "--admin", adminUrl, "--json", DOMAIN);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(JSON.readTree(again.out()).path("had_policy").asBoolean()).isFalse();
    }

    @Test
    void namesThatAreNotDomainsExit2BeforeAnythingIsSent() {
        Run literal = run("sts", "refresh", "--admin", adminUrl, "[192.0.2.1]");
        assertThat(literal.exit()).isEqualTo(2);
        assertThat(literal.err()).contains("not a domain name: '[192.0.2.1]' (MTA-STS applies to domain names only)");
        Run bad = run("sts", "show", "--admin", adminUrl, "a..b");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a domain name: 'a..b'");
        assertThat(sts.fetched).isEmpty();
    }

    @Test
    void anUnreachableRelayExits2() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = run("sts", "show", "--admin", "http://127.0.0.1:" + port, DOMAIN);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot connect to the rampart admin listener");
    }

    @Test
    void aMissingSubcommandIsAUsageError() {
        Run r = run("sts");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing command: show, refresh or purge");
    }
}
