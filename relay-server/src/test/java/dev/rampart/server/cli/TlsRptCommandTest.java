package dev.rampart.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.tlsrpt.FailureDetail;
import dev.rampart.policy.tlsrpt.PolicyResult;
import dev.rampart.policy.tlsrpt.SessionRecord;
import dev.rampart.policy.tlsrpt.TlsRptJournal;
import dev.rampart.queue.DiskQueue;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.FakeExplainer;
import dev.rampart.server.admin.StsFixture;
import dev.rampart.server.config.ConfigLoader;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.tlsrpt.HttpsReportSender;
import dev.rampart.server.tlsrpt.ReportOutbox;
import dev.rampart.server.tlsrpt.SendSchedule;
import dev.rampart.server.tlsrpt.TlsRptMetrics;
import dev.rampart.server.tlsrpt.TlsRptReporter;
import dev.rampart.server.tlsrpt.TlsRptService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rampart tlsrpt preview|send} against a real admin listener and a real journal and queue: the
 * preview shows the JSON that send then queues (acceptance 4), REP-02 domains without a record are named
 * and not sent, exit statuses 0/1/2.
 */
class TlsRptCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DAY = "2026-11-21";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private StsFixture dns;
    private DiskQueue queue;
    private TlsRptJournal journal;
    private AdminServer admin;
    private String adminUrl;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        dns = new StsFixture(dir.resolve("sts"));
        queue = DiskQueue.open(dir.resolve("spool"), dns.clock);
        queue.recover();
        journal = new TlsRptJournal(dir.resolve("journal"), 1 << 20);
        TlsRptPolicy none = new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "a.example", List.of("mx.a.example"));
        journal.append(new SessionRecord(Instant.parse(DAY + "T08:00:00Z"), "a.example", List.of(PolicyResult.success(none))));
        journal.append(new SessionRecord(Instant.parse(DAY + "T09:00:00Z"), "a.example", List.of(new PolicyResult(none,
                List.of(new FailureDetail(TlsRptResultType.STARTTLS_NOT_SUPPORTED, "192.0.2.1", "mx.a.example", "",
                        "192.0.2.7", "", ""))))));
        journal.append(new SessionRecord(Instant.parse(DAY + "T10:00:00Z"), "b.example", List.of(PolicyResult.success(
                new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "b.example", List.of("mx.b.example"))))));
        dns.txt.put("_smtp._tls.a.example", List.of("v=TLSRPTv1; rua=mailto:reports@a.example"));
        TlsRptMetrics metrics = new TlsRptMetrics(new SimpleMeterRegistry());
        TlsRptReporter reporter = new TlsRptReporter(new TlsRptReporter.Settings("Relay Test", "tlsrpt@relay.example",
                "relay.example"), journal, dns.dns, queue, () -> { },
                new HttpsReportSender(SSLContext.getDefault(), dev.rampart.policy.sts.fetch.HostResolver.SYSTEM, Duration.ofSeconds(5)), new ReportOutbox(dir.resolve("tlsrpt")),
                Optional.empty(), dns.clock, metrics);
        TlsRptService service = new TlsRptService(journal, Optional.of(reporter),
                new SendSchedule(Optional.empty(), "relay.example"), dns.clock, metrics, false);
        admin = new AdminServer(new HostPort("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(), new dev.rampart.server.admin.FakeQueue(), () -> { }, new FakeExplainer(), dns.service,
                dns.clock, Optional.of(service));
        admin.start();
        adminUrl = "http://" + AdminServer.hostPort(admin.address());
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        queue.close();
        journal.close();
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
    void previewShowsEveryDomainAndTheJsonThatSendThenQueues() throws Exception {
        Run preview = run("tlsrpt", "preview", "--admin", adminUrl, "--date", DAY, "--json");
        assertThat(preview.exit()).as(preview.err()).isZero();
        JsonNode answer = JSON.readTree(preview.out());
        assertThat(answer.path("reports")).hasSize(2);
        JsonNode a = answer.path("reports").get(0);
        assertThat(a.path("domain").asText()).isEqualTo("a.example");
        assertThat(a.path("will_send").asBoolean()).isTrue();
        assertThat(a.path("sessions").asInt()).isEqualTo(2);
        JsonNode summary = a.path("report").path("policies").get(0).path("summary");
        assertThat(summary.path("total-successful-session-count").asInt()).isEqualTo(1);
        assertThat(summary.path("total-failure-session-count").asInt()).isEqualTo(1);
        // REP-02: b.example publishes no record: shown, never sent.
        JsonNode b = answer.path("reports").get(1);
        assertThat(b.path("will_send").asBoolean()).isFalse();
        assertThat(b.path("why_not").asText()).isEqualTo("no such name");

        Run text = run("tlsrpt", "preview", "--admin", adminUrl, "--date", DAY, "--domain", "a.example");
        assertThat(text.out()).contains("# a.example: 2 sessions, report " + a.path("report_id").asText())
                .contains("# to: mailto:reports@a.example").contains("\"organization-name\" : \"Relay Test\"");

        Run send = run("tlsrpt", "send", "--admin", adminUrl, "--date", DAY);
        assertThat(send.exit()).as(send.err()).isZero();
        assertThat(send.out()).isEqualTo(DAY + ": 2 report(s), 1 destination(s): 1 sent, 0 pending retry,"
                + " 1 domain(s) without a TLS-RPT record\n");
        var queued = queue.list();
        assertThat(queued).singleElement().satisfies(e -> {
            assertThat(e.envelope().params().tls()).isEqualTo(TlsTag.TLS_OPTIONAL);
            assertThat(e.envelope().recipients().getFirst().spec().address()).isEqualTo("reports@a.example");
        });
        String mail;
        try (var in = queue.open(queued.getFirst().envelope().id()).orElseThrow().openBody()) {
            mail = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
        assertThat(mail).contains("Report-ID: <" + a.path("report_id").asText() + ">");
    }

    @Test
    void badInputIsExitTwo() {
        assertThat(run("tlsrpt", "preview", "--admin", adminUrl, "--date", "21.11.2026").exit()).isEqualTo(2);
        assertThat(run("tlsrpt", "send", "--admin", adminUrl, "--date", DAY, "--domain", "not a domain").exit())
                .isEqualTo(2);
        assertThat(run("tlsrpt", "preview", "--admin", "http://127.0.0.1:1", "--date", DAY).exit()).isEqualTo(2);
    }

    @Test
    void withoutAContactAddressTheRelayRefusesWithExitOne() throws Exception {
        admin.close();
        admin = new AdminServer(new HostPort("127.0.0.1", 0), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(), new dev.rampart.server.admin.FakeQueue(), () -> { }, new FakeExplainer(), dns.service,
                dns.clock, Optional.of(new TlsRptService(journal, Optional.empty(),
                        new SendSchedule(Optional.empty(), "relay.example"), dns.clock,
                        new TlsRptMetrics(new SimpleMeterRegistry()), false)));
        admin.start();
        Run r = run("tlsrpt", "preview", "--admin", "http://" + AdminServer.hostPort(admin.address()), "--date", DAY);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("tlsrpt.contact-info");
    }
}
