package dev.rampart.server.cli;

import static dev.rampart.server.admin.StsPlans.FETCHED;
import static dev.rampart.server.admin.StsPlans.host;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsRecord;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.FakeExplainer;
import dev.rampart.server.admin.FakeQueue;
import dev.rampart.server.admin.PolicyJson;
import dev.rampart.server.admin.StsFixture;
import dev.rampart.server.admin.StsPlans;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.delivery.ProbeReport;
import dev.rampart.server.sts.StsOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The MTA-STS part of {@code policy explain} (issue 4, Explain): the TXT record, the policy and its source,
 * age and expiry, which MX hosts the policy admits (STS-17) and the per-host decision, for plans decided by
 * the real decision table: enforce from the cache, a failed fetch, testing, mode none, no record, and
 * DANE + MTA-STS together (POL-07).
 */
class StsExplainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOMAIN = "sts.example";
    private static final Instant NOW = FETCHED.plus(Duration.ofHours(2));

    @TempDir
    Path dir;

    private static JsonNode explain(DestinationPlan plan) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(PolicyJson.explain(plan, Optional.empty(), NOW)));
    }

    private static DestinationPlan insecureMx(StsOutcome sts) {
        return StsPlans.plan(DOMAIN, DnssecStatus.INSECURE, List.of(host("mx1.sts.example", 10, DnssecStatus.INSECURE),
                host("mx2.other.example", 20, DnssecStatus.INSECURE)), Map.of(), sts);
    }

    @Test
    void enforceFromTheCacheAdmitsTheListedHostAndSkipsTheOther_STS17_STS19() throws Exception {
        JsonNode e = explain(insecureMx(StsPlans.applied(DOMAIN, "abc123", StsLookup.Source.CACHE, "enforce", 86400,
                "*.sts.example")));
        JsonNode sts = e.path("sts");
        assertThat(sts.path("policy_domain").asText()).isEqualTo(DOMAIN);
        assertThat(sts.path("txt").path("result").asText()).isEqualTo("found");
        assertThat(sts.path("txt").path("id").asText()).isEqualTo("abc123");
        assertThat(sts.path("lookup").path("result").asText()).isEqualTo("applied");
        assertThat(sts.path("lookup").path("source").asText()).isEqualTo("cache");
        JsonNode policy = sts.path("policy");
        assertThat(policy.path("mode").asText()).isEqualTo("enforce");
        assertThat(policy.path("mx")).extracting(JsonNode::asText).containsExactly("*.sts.example");
        assertThat(policy.path("age_seconds").asLong()).isEqualTo(7200);
        assertThat(policy.path("expires_at").asText()).isEqualTo("2026-11-23T08:00:00Z");
        assertThat(policy.path("valid").asBoolean()).isTrue();

        JsonNode mx1 = e.path("hosts").get(0);
        assertThat(mx1.path("sts").path("checked").asBoolean()).isTrue();
        assertThat(mx1.path("sts").path("admitted").asBoolean()).isTrue();
        assertThat(mx1.path("sts").path("matched_pattern").asText()).isEqualTo("*.sts.example");
        assertThat(mx1.path("plan").path("action").asText()).isEqualTo("connect");
        assertThat(mx1.path("plan").path("tls").asText()).isEqualTo("required");
        assertThat(mx1.path("plan").path("authentication").asText()).isEqualTo("pkix");
        assertThat(mx1.path("plan").path("reference_ids")).extracting(JsonNode::asText).containsExactly("mx1.sts.example");
        assertThat(mx1.path("plan").path("policy").asText()).isEqualTo("mta-sts");
        JsonNode mx2 = e.path("hosts").get(1);
        assertThat(mx2.path("sts").path("admitted").asBoolean()).isFalse();
        assertThat(mx2.path("sts").path("matched_pattern").asText()).isEmpty();
        assertThat(mx2.path("plan").path("action").asText()).isEqualTo("skip");
        assertThat(mx2.path("plan").path("reason").asText()).contains("not in the MTA-STS policy of sts.example");

        String text = PolicyText.explain(e);
        assertThat(text).contains("""
                MTA-STS:
                  TXT record: id=abc123
                  policy: mode enforce, from the cache (TXT id abc123 matches the cache)
                    id:            abc123
                    mode:          enforce
                    max_age:       86400 s (1d)
                    mx:            *.sts.example
                    fetched:       2026-11-22T08:00:00Z (2h ago)
                    expires:       2026-11-23T08:00:00Z
                """);
        assertThat(text).contains("""
                  MTA-STS enforce: admitted by mx pattern *.sts.example
                  decision: TLS required, authenticated by WebPKI (MTA-STS), SNI mx1.sts.example, policy=mta-sts
                  certificate must name: mx1.sts.example
                """);
        assertThat(text).contains("  MTA-STS enforce: not admitted by any mx pattern (STS-17), so no delivery to this host\n"
                + "  decision: skip, no connection (4.7.5): MX host mx2.other.example is not in the MTA-STS policy");
    }

    @Test
    void aFailedFetchWithNothingCachedIsShownAndDeliveryIsOpportunistic_STS15() throws Exception {
        StsOutcome failed = new StsOutcome(DOMAIN, new StsRecordResult.Found(new StsRecord("abc123")),
                new StsLookup.FetchFailed(StsFailureKind.FETCH_ERROR, "HTTP 404 from mta-sts.sts.example"));
        JsonNode e = explain(insecureMx(failed));
        assertThat(e.path("sts").path("lookup").path("result").asText()).isEqualTo("fetch-failed");
        assertThat(e.path("sts").path("lookup").path("failure").asText()).isEqualTo("sts-policy-fetch-error");
        assertThat(e.path("sts").has("policy")).isFalse();
        for (JsonNode h : e.path("hosts")) {
            assertThat(h.path("sts").path("checked").asBoolean()).isFalse();
            assertThat(h.path("plan").path("tls").asText()).isEqualTo("opportunistic");
        }
        assertThat(PolicyText.explain(e)).contains("  policy: fetch failed (sts-policy-fetch-error): HTTP 404 from "
                + "mta-sts.sts.example; nothing valid cached, delivery goes on as if there were no policy (STS-15)\n");
    }

    @Test
    void testingChecksTheCertificateButOnlyReports_STS20() throws Exception {
        JsonNode e = explain(insecureMx(StsPlans.applied(DOMAIN, "t1", StsLookup.Source.FETCH, "testing", 3600,
                "mx1.sts.example")));
        assertThat(e.path("sts").path("lookup").path("source").asText()).isEqualTo("fetch");
        JsonNode mx1 = e.path("hosts").get(0);
        assertThat(mx1.path("sts").path("mode").asText()).isEqualTo("testing");
        assertThat(mx1.path("sts").path("admitted").asBoolean()).isTrue();
        assertThat(mx1.path("plan").path("tls").asText()).isEqualTo("opportunistic");
        assertThat(mx1.path("plan").path("authentication").asText()).isEqualTo("none");
        assertThat(mx1.path("plan").path("audit").asText()).isEqualTo("pkix");
        assertThat(mx1.path("plan").path("audit_reference_ids")).extracting(JsonNode::asText)
                .containsExactly("mx1.sts.example");
        String text = PolicyText.explain(e);
        assertThat(text).contains("  policy: mode testing, from the web server just now (fetched policy id t1)\n")
                .contains("  MTA-STS testing: admitted by mx pattern mx1.sts.example\n")
                .contains("certificate not required to pass, WebPKI check reported only (MTA-STS testing)")
                .contains("  certificate checked (report only) for: mx1.sts.example\n")
                .contains("  MTA-STS testing: not admitted by any mx pattern (STS-17), reported only\n");
    }

    @Test
    void modeNoneCountsAsNoPolicy_STS21() throws Exception {
        JsonNode e = explain(insecureMx(StsPlans.applied(DOMAIN, "n1", StsLookup.Source.CACHE, "none", 3600)));
        assertThat(e.path("sts").path("policy").path("mode").asText()).isEqualTo("none");
        for (JsonNode h : e.path("hosts")) {
            assertThat(h.path("sts").path("checked").asBoolean()).isFalse();
            assertThat(h.path("plan").path("policy").asText()).isEqualTo("none");
        }
        String text = PolicyText.explain(e);
        assertThat(text).contains("    mode none: treated as no policy (STS-21)\n").doesNotContain("admitted");
    }

    @Test
    void noTxtRecordSaysWhy() throws Exception {
        String why = "no TXT record at _mta-sts.sts.example (NXDOMAIN)";
        JsonNode e = explain(insecureMx(new StsOutcome(DOMAIN, StsRecordResult.absent(why), new StsLookup.NoPolicy(why))));
        assertThat(e.path("sts").path("txt").path("result").asText()).isEqualTo("absent");
        assertThat(e.path("sts").path("txt").path("reason").asText()).isEqualTo(why);
        assertThat(e.path("sts").path("lookup").path("result").asText()).isEqualTo("no-policy");
        assertThat(PolicyText.explain(e)).contains("\nMTA-STS: none (" + why + ")\ndecision:");
    }

    @Test
    void daneDecidesWhereTlsaIsUsableAndMtaStsElsewhere_POL07() throws Exception {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) 0xab);
        Map<String, DnsResult<TlsaRecord>> tlsa = Map.of("_25._tcp.mx1.sts.example", new DnsResult.Records<>(
                List.of(new TlsaRecord(3, 1, 1, digest)), DnssecStatus.SECURE, "_25._tcp.mx1.sts.example",
                Duration.ofHours(1)));
        DestinationPlan plan = StsPlans.plan(DOMAIN, DnssecStatus.SECURE, List.of(
                        host("mx1.sts.example", 10, DnssecStatus.SECURE), host("mx2.sts.example", 20, DnssecStatus.SECURE)),
                tlsa, StsPlans.applied(DOMAIN, "abc123", StsLookup.Source.CACHE, "enforce", 86400, "*.sts.example"));
        JsonNode e = explain(plan);
        JsonNode mx1 = e.path("hosts").get(0);
        assertThat(mx1.path("sts").path("admitted").asBoolean()).isTrue();
        assertThat(mx1.path("plan").path("authentication").asText()).isEqualTo("dane");
        assertThat(mx1.path("plan").path("policy").asText()).isEqualTo("dane");
        JsonNode mx2 = e.path("hosts").get(1);
        assertThat(mx2.path("plan").path("authentication").asText()).isEqualTo("pkix");
        assertThat(mx2.path("plan").path("policy").asText()).isEqualTo("mta-sts");
        String text = PolicyText.explain(e);
        assertThat(text).contains("decision: TLS required, authenticated by DANE, SNI mx1.sts.example, policy=dane")
                .contains("decision: TLS required, authenticated by WebPKI (MTA-STS), SNI mx2.sts.example, "
                        + "policy=mta-sts");
    }

    @Test
    void outcomesOfTheRealServiceShowAFetchThenTheCache_STS14() throws Exception {
        StsFixture sts = new StsFixture(dir);
        sts.publish(DOMAIN, "abc123");
        sts.policies.put(DOMAIN, StsFixture.policy("enforce", 86400, "*.sts.example"));
        StsOutcome first = sts.service.lookup(DOMAIN).join();
        JsonNode fetched = explain(insecureMx(first)).path("sts");
        assertThat(fetched.path("lookup").path("source").asText()).isEqualTo("fetch");
        assertThat(fetched.path("lookup").path("reason").asText()).isEqualTo("fetched policy id abc123");

        sts.now.set(sts.now.get().plus(Duration.ofMinutes(30)));
        StsOutcome second = sts.service.lookup(DOMAIN).join();
        JsonNode cached = JSON.readTree(JSON.writeValueAsString(
                PolicyJson.explain(insecureMx(second), Optional.empty(), sts.now.get()))).path("sts");
        assertThat(cached.path("lookup").path("source").asText()).isEqualTo("cache");
        assertThat(cached.path("lookup").path("reason").asText()).isEqualTo("TXT id abc123 matches the cache");
        assertThat(cached.path("policy").path("age_seconds").asLong()).isEqualTo(1800);
        assertThat(sts.fetched).as("the same id is not fetched twice").containsExactly(DOMAIN);
    }

    @Test
    void aFailedFetchShowsItsBackoffOverTheAdminApi_STS10() throws Exception {
        StsFixture sts = new StsFixture(dir);
        sts.publish(DOMAIN, "abc123");
        StsOutcome failed = sts.service.lookup(DOMAIN).join();
        FakeExplainer explainer = new FakeExplainer();
        explainer.plans.put(DOMAIN, insecureMx(failed));
        AdminServer admin = new AdminServer(new HostPort("127.0.0.1", 0),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(), new FakeQueue(), () -> { }, explainer,
                sts.service, sts.clock);
        admin.start();
        try {
            String url = "http://" + AdminServer.hostPort(admin.address());
            JsonNode e = JSON.readTree(run("policy", "explain", "--admin", url, "--json", DOMAIN)[1]);
            assertThat(e.path("sts").path("lookup").path("result").asText()).isEqualTo("fetch-failed");
            assertThat(e.path("sts").path("lookup").path("fetch_blocked_until").asText())
                    .isEqualTo("2026-11-22T12:05:00Z");
            assertThat(run("policy", "explain", "--admin", url, DOMAIN)[1])
                    .contains("  policy: fetch failed (sts-policy-fetch-error): HTTP 404 from mta-sts.sts.example;")
                    .contains("  fetch backoff: id abc123 not fetched again before 2026-11-22T12:05:00Z (STS-10)\n");
        } finally {
            admin.close();
        }
    }

    @Test
    void theCliShowsTheStsPartAndTheWebPkiProbeOverTheAdminApi() throws Exception {
        FakeExplainer explainer = new FakeExplainer();
        explainer.plans.put(DOMAIN, insecureMx(StsPlans.applied(DOMAIN, "abc123", StsLookup.Source.CACHE, "enforce",
                86400, "*.sts.example")));
        explainer.probes.put(DOMAIN, List.of(
                new ProbeReport("mx1.sts.example", "192.0.2.11", "failed",
                        "MTA-STS enforce: certificate check failed, no delivery to this host: certificate chain not "
                                + "trusted (PKIX): unable to find valid certification path", "unauthenticated",
                        "TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of(new ProbeReport.PresentedCertificate(
                                "CN=mx1.sts.example", "CN=Untrusted CA", "ab".repeat(32), List.of("mx1.sts.example"))),
                        "", new ProbeReport.PkixCheck("enforce", List.of("mx1.sts.example"), "fail",
                                "certificate chain not trusted (PKIX): unable to find valid certification path")),
                new ProbeReport("mx2.other.example", "", "skipped", "not in the policy", "none", "", "", List.of(), "")));
        StsFixture sts = new StsFixture(dir);
        AdminServer admin = new AdminServer(new HostPort("127.0.0.1", 0),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(), new FakeQueue(), () -> { }, explainer,
                sts.service, () -> NOW);
        admin.start();
        try {
            String url = "http://" + AdminServer.hostPort(admin.address());
            String[] text = run("policy", "explain", "--admin", url, "--probe", DOMAIN);
            assertThat(text[0]).isEqualTo("0");
            assertThat(text[1]).contains("  TXT record: id=abc123\n")
                    .contains("    fetched:       2026-11-22T08:00:00Z (2h ago)\n")
                    .contains("  probe 192.0.2.11: failed: MTA-STS enforce: certificate check failed")
                    .contains("    WebPKI (MTA-STS enforce) for mx1.sts.example: fail: certificate chain not trusted")
                    .contains("        SAN dNSNames: mx1.sts.example\n");
            String[] json = run("policy", "explain", "--admin", url, "--probe", "--json", DOMAIN);
            JsonNode e = JSON.readTree(json[1]);
            assertThat(e.path("sts").path("policy").path("id").asText()).isEqualTo("abc123");
            JsonNode probe = e.path("hosts").get(0).path("probe");
            assertThat(probe.path("pkix").path("role").asText()).isEqualTo("enforce");
            assertThat(probe.path("pkix").path("result").asText()).isEqualTo("fail");
            assertThat(probe.path("chain").get(0).path("dns_names")).extracting(JsonNode::asText)
                    .containsExactly("mx1.sts.example");
            assertThat(e.path("hosts").get(1).path("probe").path("pkix").path("role").asText()).isEmpty();
        } finally {
            admin.close();
        }
    }

    private String[] run(String... args) {
        CommandLine cli = Main.commandLine(new Main.CliContext(
                new ConfigLoader(Map.of(), dir, () -> "relay.test.example"), HttpClient.newHttpClient(), hook -> { }));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute(args);
        return new String[] {Integer.toString(exit), out.toString()};
    }
}
