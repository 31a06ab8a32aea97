package dev.rampart.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.FakeExplainer;
import dev.rampart.server.admin.FakeQueue;
import dev.rampart.server.admin.StsFixture;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.delivery.DestinationPlanner;
import dev.rampart.server.delivery.ProbeReport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rampart policy explain} and {@code GET /api/policy/explain} over a real admin listener, with
 * plans made by the real {@link DestinationPlanner} over fake DNS (issue acceptance 2).
 */
class PolicyExplainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TlsaRecord DANE_EE = new TlsaRecord(3, 1, 1, filled(32, 0xab));
    private static final TlsaRecord PKIX_EE = new TlsaRecord(1, 1, 1, filled(32, 0xcd));

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, MxResolution> mx = new HashMap<>();
    private final Map<String, DnsResult<TlsaRecord>> tlsa = new HashMap<>();
    private final FakeExplainer explainer = new FakeExplainer();
    private StsFixture sts;
    private AdminServer admin;
    private String adminUrl;

    record Run(int exit, String out, String err) {}

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @BeforeEach
    void start() throws Exception {
        InetAddress a1 = InetAddress.getByAddress("mx1.dane.example", new byte[] {(byte) 192, 0, 2, 1});
        InetAddress a2 = InetAddress.getByAddress("mx2.dane.example", new byte[] {(byte) 192, 0, 2, 2});
        mx.put("dane.example", new MxResolution.Hosts("dane.example", List.of(
                new MxHost("mx1.dane.example", 10, List.of(a1), DnssecStatus.SECURE),
                new MxHost("mx2.dane.example", 20, List.of(a2), DnssecStatus.SECURE)),
                DnssecStatus.SECURE, false, List.of()));
        tlsa.put("_25._tcp.mx1.dane.example", new DnsResult.Records<>(List.of(DANE_EE, PKIX_EE), DnssecStatus.SECURE,
                "_25._tcp.mx1.dane.example", Duration.ofHours(1)));
        tlsa.put("_25._tcp.mx2.dane.example", new DnsResult.Failure<>(DnsResult.FailureKind.BOGUS, "RRSIG expired"));
        InetAddress a3 = InetAddress.getByAddress("mx.bogus.example", new byte[] {(byte) 192, 0, 2, 3});
        mx.put("bogus.example", new MxResolution.Hosts("bogus.example", List.of(
                new MxHost("mx.bogus.example", 10, List.of(a3), DnssecStatus.SECURE)), DnssecStatus.SECURE, false, List.of()));
        tlsa.put("_25._tcp.mx.bogus.example", new DnsResult.Failure<>(DnsResult.FailureKind.BOGUS, "RRSIG expired"));
        mx.put("nx.example", new MxResolution.Permanent("nx.example", "5.1.2", "nx.example does not exist (NXDOMAIN)"));
        DestinationPlanner planner = new DestinationPlanner(
                domain -> CompletableFuture.completedFuture(mx.get(domain)),
                name -> CompletableFuture.completedFuture(tlsa.getOrDefault(name,
                        new DnsResult.NoData<>(DnssecStatus.SECURE, name))),
                PolicyMap.EMPTY);
        for (String domain : mx.keySet()) {
            explainer.plans.put(domain, planner.plan(domain).join());
        }
        sts = new StsFixture(dir);
        admin = new AdminServer(new HostPort("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(), new FakeQueue(), () -> { }, explainer, sts.service, sts.clock);
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

    @Test
    void jsonShowsMxStatusTlsaUsabilityAndEachHostsDecision() throws Exception {
        Run r = run("policy", "explain", "--admin", adminUrl, "--json", "DANE.Example.");
        assertThat(r.exit()).isZero();
        assertThat(explainer.asked).containsExactly("dane.example");
        JsonNode e = JSON.readTree(r.out());
        assertThat(e.at("/mx/status").asText()).isEqualTo("secure");
        assertThat(e.at("/decision/action").asText()).isEqualTo("try-hosts");
        JsonNode mx1 = e.at("/hosts/0");
        assertThat(mx1.at("/addresses/0").asText()).isEqualTo("192.0.2.1");
        assertThat(mx1.at("/tlsa/base").asText()).isEqualTo("mx1.dane.example");
        assertThat(mx1.at("/tlsa/records/0/usable").asBoolean()).isTrue();
        assertThat(mx1.at("/tlsa/records/1/usable").asBoolean()).isFalse();
        assertThat(mx1.at("/tlsa/records/1/unusable_reason").asText()).contains("PKIX-EE");
        assertThat(mx1.at("/plan/action").asText()).isEqualTo("connect");
        assertThat(mx1.at("/plan/tls").asText()).isEqualTo("required");
        assertThat(mx1.at("/plan/authentication").asText()).isEqualTo("dane");
        assertThat(mx1.at("/plan/sni").asText()).isEqualTo("mx1.dane.example");
        assertThat(mx1.at("/plan/policy").asText()).isEqualTo("dane");
        assertThat(mx1.at("/plan/why").asText()).contains("DANE-07");
        JsonNode mx2 = e.at("/hosts/1");
        assertThat(mx2.at("/tlsa/answer").asText()).isEqualTo("failure");
        assertThat(mx2.at("/plan/action").asText()).isEqualTo("skip");
        assertThat(mx2.at("/plan/status").asText()).isEqualTo("4.7.5");
        assertThat(mx2.at("/plan/reason").asText()).isEqualTo("TLSA lookup bogus: RRSIG expired");
        assertThat(mx2.has("probe")).isFalse();
    }

    @Test
    void textIsReadableAndNamesTheDecisions() {
        Run r = run("policy", "explain", "--admin", adminUrl, "dane.example");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("MX RRset: secure", "mx1.dane.example (preference 10)",
                "addresses: 192.0.2.1 (secure)", "3 1 1 " + "ab".repeat(32) + "  usable",
                "unusable: usage 1 (PKIX-EE)", "decision: TLS required, authenticated by DANE, SNI mx1.dane.example",
                "decision: skip, no connection (4.7.5): TLSA lookup bogus: RRSIG expired");
    }

    @Test
    void probeAddsTheChainAndTheDaneVerdict() throws Exception {
        explainer.probes.put("dane.example", List.of(
                new ProbeReport("mx1.dane.example", "192.0.2.1", "ok", "", "dane-ee", "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                        List.of(new ProbeReport.PresentedCertificate("CN=mx1", "CN=mx1", "ef".repeat(32))),
                        "dane-ee matched 3 1 1 abababab"),
                new ProbeReport("mx2.dane.example", "", "skipped", "TLSA lookup bogus: RRSIG expired", "none", "", "",
                        List.of(), "")));
        Run json = run("policy", "explain", "--admin", adminUrl, "--json", "--probe", "dane.example");
        assertThat(json.exit()).isZero();
        assertThat(explainer.probed).containsExactly("dane.example");
        JsonNode e = JSON.readTree(json.out());
        assertThat(e.at("/hosts/0/probe/dane").asText()).isEqualTo("dane-ee matched 3 1 1 abababab");
        assertThat(e.at("/hosts/0/probe/chain/0/spki_sha256").asText()).isEqualTo("ef".repeat(32));
        assertThat(e.at("/hosts/1/probe/outcome").asText()).isEqualTo("skipped");
        Run text = run("policy", "explain", "--admin", adminUrl, "--probe", "dane.example");
        assertThat(text.out()).contains("probe 192.0.2.1: ok", "DANE: dane-ee matched 3 1 1 abababab",
                "SPKI sha256: " + "ef".repeat(32));
    }

    @Test
    void aDomainThatCannotBeDeliveredToExitsOne() {
        Run r = run("policy", "explain", "--admin", adminUrl, "nx.example");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("decision: bounce 5.1.2: nx.example does not exist (NXDOMAIN)");
    }

    @Test
    void aDomainWhoseEveryHostIsSkippedExitsOne() {
        Run r = run("policy", "explain", "--admin", adminUrl, "bogus.example");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("mx.bogus.example (preference 10)",
                "decision: skip, no connection (4.7.5): TLSA lookup bogus: RRSIG expired");
    }

    @Test
    void notADomainIsAUsageErrorAndAsksNothing() {
        Run r = run("policy", "explain", "--admin", adminUrl, "not a domain!");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a domain name or address literal: 'not a domain!'");
        assertThat(explainer.asked).isEmpty();
    }

    @Test
    void relayNotRunningExitsOne() throws Exception {
        admin.close();
        Run r = run("policy", "explain", "--admin", adminUrl, "dane.example");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot connect to the rampart admin listener");
    }

    @Test
    void adminApiRefusesNonDomainsWith400() throws Exception {
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(
                URI.create(adminUrl + "/api/policy/explain?domain=a..b")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").asText()).contains("not a domain name");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                URI.create(adminUrl + "/api/policy/explain")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(explainer.asked).isEmpty();
    }
}
