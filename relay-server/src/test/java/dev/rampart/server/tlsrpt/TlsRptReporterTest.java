package dev.rampart.server.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.tlsrpt.FailureDetail;
import dev.rampart.policy.tlsrpt.PolicyResult;
import dev.rampart.policy.tlsrpt.ReportJson;
import dev.rampart.policy.tlsrpt.SessionRecord;
import dev.rampart.policy.tlsrpt.TlsRptJournal;
import dev.rampart.queue.DiskQueue;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.TlsTag;
import dev.rampart.policy.sts.fetch.HostResolver;
import dev.rampart.server.admin.StsFixture;
import dev.rampart.server.delivery.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REP-02, REP-12..REP-15: reports built from the journal go to every rua destination, by queued mail
 * (TLS-Required: No) and by HTTPS POST to a real (in-process JDK) HTTPS server; failures are retried with
 * the same report id; preview equals what is sent.
 */
class TlsRptReporterTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-21");
    private static final TestCertificates.IssuedCert CERT = TestCertificates.issued("localhost", "Report Test CA");

    @TempDir
    Path dir;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T01:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private HttpsServer server;
    private final List<byte[]> posted = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private DiskQueue queue;
    private TlsRptJournal journal;
    private ReportOutbox outbox;
    private StsFixture dns;
    private Map<String, List<String>> txt;

    @BeforeEach
    void start() throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(CERT.serverContext()));
        server.createContext("/tlsrpt", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                posted.add(in.readAllBytes());
            }
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type") + " " + exchange.getRequestMethod());
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        dns = new StsFixture(dir.resolve("sts"));
        txt = dns.txt;
        queue = DiskQueue.open(dir.resolve("spool"), clock);
        queue.recover();
        journal = new TlsRptJournal(dir.resolve("journal"), 1 << 20);
        outbox = new ReportOutbox(dir.resolve("tlsrpt"));
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        queue.close();
        journal.close();
    }

    private TlsRptReporter reporter() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", CERT.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return new TlsRptReporter(new TlsRptReporter.Settings("Rampart test", "tlsrpt@relay.test", "relay.test"),
                journal, dns.dns, queue, () -> { }, new HttpsReportSender(ctx, HostResolver.SYSTEM, Duration.ofSeconds(10)),
                outbox,
                Optional.empty(), clock, new TlsRptMetrics(new SimpleMeterRegistry()));
    }

    private String httpsUri() {
        return "https://localhost:" + server.getAddress().getPort() + "/tlsrpt";
    }

    private void recordDay() throws Exception {
        TlsRptPolicy none = new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "a.test", List.of("mx.a.test"));
        FailureDetail noTls = new FailureDetail(TlsRptResultType.STARTTLS_NOT_SUPPORTED, "127.0.0.1", "mx.a.test", "",
                "127.0.0.2", "", "");
        journal.append(new SessionRecord(Instant.parse("2026-11-21T10:00:00Z"), "a.test", List.of(PolicyResult.success(none))));
        journal.append(new SessionRecord(Instant.parse("2026-11-21T11:00:00Z"), "a.test", List.of(new PolicyResult(none, List.of(noTls)))));
        journal.append(new SessionRecord(Instant.parse("2026-11-21T12:00:00Z"), "b.test",
                List.of(PolicyResult.success(new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "b.test", List.of("mx.b.test"))))));
    }

    @Test
    void rep14_everyRuaGetsTheReportAndPreviewEqualsWhatIsSent() throws Exception {
        recordDay();
        txt.put("_smtp._tls.a.test", List.of("v=TLSRPTv1; rua=mailto:reports@a.test," + httpsUri()));
        TlsRptReporter reporter = reporter();

        var preview = reporter.prepare(DAY, Optional.empty());
        assertThat(preview).hasSize(2);
        String previewJson = new String(ReportJson.bytes(preview.getFirst().report()), StandardCharsets.UTF_8);

        TlsRptReporter.SendSummary summary = reporter.send(DAY, Optional.empty());
        assertThat(summary).isEqualTo(new TlsRptReporter.SendSummary(DAY, 2, 2, 2, 0, 1));

        // HTTPS copy (REP-13): gzipped JSON, the right media type, equal to the preview.
        assertThat(contentTypes).containsExactly("application/tlsrpt+gzip POST");
        String postedJson = gunzip(posted.getFirst());
        assertThat(postedJson).isEqualTo(previewJson);
        JsonObject report = JsonParser.parseString(postedJson).getAsJsonObject();
        var summaryJson = report.getAsJsonArray("policies").get(0).getAsJsonObject().getAsJsonObject("summary");
        assertThat(summaryJson.get("total-successful-session-count").getAsInt()).isEqualTo(1);
        assertThat(summaryJson.get("total-failure-session-count").getAsInt()).isEqualTo(1);

        // Mail copy (REP-12): queued as our own message, TLS-Required: No, to the rua address.
        List<QueueEntry> queued = queue.list();
        assertThat(queued).hasSize(1);
        QueuedMessage m = queue.open(queued.getFirst().envelope().id()).orElseThrow();
        assertThat(m.envelope().params().tls()).isEqualTo(TlsTag.TLS_OPTIONAL);
        assertThat(m.envelope().params().sender()).isEqualTo("tlsrpt@relay.test");
        assertThat(m.envelope().recipients()).extracting(r -> r.spec().address()).containsExactly("reports@a.test");
        String mail;
        try (InputStream in = m.openBody()) {
            mail = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertThat(mail).contains("TLS-Required: No").contains("TLS-Report-Domain: a.test")
                .contains("Report-ID: <" + report.get("report-id").getAsString() + ">");
        assertThat(reporter.sent(DAY)).isTrue();
        assertThat(outbox.all()).isEmpty();
    }

    @Test
    void rep15_aFailedPostIsRetriedWithTheSameReportIdUntilItIsTaken() throws Exception {
        recordDay();
        txt.put("_smtp._tls.a.test", List.of("v=TLSRPTv1; rua=" + httpsUri()));
        status.set(503);
        TlsRptReporter reporter = reporter();
        assertThat(reporter.send(DAY, Optional.of("a.test")).pending()).isEqualTo(1);
        PendingReport waiting = outbox.all().getFirst();
        assertThat(waiting.attempts()).isEqualTo(1);
        assertThat(waiting.lastError()).isEqualTo("HTTP 503 from localhost");

        // Not due yet: nothing happens.
        reporter.retryDue();
        assertThat(posted).hasSize(1);

        status.set(201);
        now.set(waiting.nextAttempt());
        reporter.retryDue();
        assertThat(posted).hasSize(2);
        assertThat(outbox.all()).isEmpty();
        String first = JsonParser.parseString(gunzip(posted.get(0))).getAsJsonObject().get("report-id").getAsString();
        String second = JsonParser.parseString(gunzip(posted.get(1))).getAsJsonObject().get("report-id").getAsString();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void rep15_sendingAgainKeepsTheRetryHistory() throws Exception {
        recordDay();
        txt.put("_smtp._tls.a.test", List.of("v=TLSRPTv1; rua=" + httpsUri()));
        status.set(503);
        TlsRptReporter reporter = reporter();
        reporter.send(DAY, Optional.of("a.test"));
        PendingReport first = outbox.all().getFirst();
        now.set(now.get().plus(Duration.ofHours(3)));
        reporter.send(DAY, Optional.of("a.test"));
        PendingReport second = outbox.all().getFirst();
        assertThat(second.firstAttempt()).isEqualTo(first.firstAttempt());
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.reportId()).isEqualTo(first.reportId());
    }

    @Test
    void rep15_givenUpAfterADay() throws Exception {
        recordDay();
        txt.put("_smtp._tls.a.test", List.of("v=TLSRPTv1; rua=" + httpsUri()));
        status.set(500);
        TlsRptReporter reporter = reporter();
        reporter.send(DAY, Optional.of("a.test"));
        Instant first = now.get();
        int posts = 1;
        while (!outbox.all().isEmpty()) {
            now.set(outbox.all().getFirst().nextAttempt());
            reporter.retryDue();
            posts++;
            assertThat(posts).isLessThan(40);
        }
        assertThat(Duration.between(first, now.get())).isGreaterThanOrEqualTo(PendingReport.GIVE_UP_AFTER);
        assertThat(posted.size()).isBetween(8, 14);
    }

    @Test
    void rep02_noRecordNoReport_andRedirectsAreNotFollowed() throws Exception {
        recordDay();
        txt.put("_smtp._tls.b.test", List.of("v=TLSRPTv1; rua=" + httpsUri()));
        status.set(302);
        TlsRptReporter reporter = reporter();
        TlsRptReporter.SendSummary s = reporter.send(DAY, Optional.empty());
        assertThat(s.skipped()).isEqualTo(1);   // a.test has no record
        assertThat(s.pending()).isEqualTo(1);   // b.test's endpoint redirects
        assertThat(outbox.all().getFirst().lastError()).startsWith("HTTP 302 redirect");
        assertThat(queue.list()).isEmpty();
    }

    @Test
    void rep03_theDailyScheduleSendsEachFinishedDayOnceAtItsTime() throws Exception {
        recordDay();
        txt.put("_smtp._tls.a.test", List.of("v=TLSRPTv1; rua=" + httpsUri()));
        SendSchedule schedule = new SendSchedule(Optional.of(Duration.ofHours(2)), "relay.test");
        TlsRptService service = new TlsRptService(journal, Optional.of(reporter()), schedule, clock,
                new TlsRptMetrics(new SimpleMeterRegistry()), true);
        now.set(Instant.parse("2026-11-22T01:59:59Z"));
        service.tick();
        assertThat(posted).isEmpty();
        now.set(Instant.parse("2026-11-22T02:00:00Z"));
        service.tick();
        assertThat(posted).hasSize(1);
        now.set(Instant.parse("2026-11-22T03:00:00Z"));
        service.tick();
        assertThat(posted).hasSize(1);
    }

    @Test
    void rep03_defaultWindowIsWithinFourHoursAndStableForADay() {
        SendSchedule random = new SendSchedule(Optional.empty(), "relay.test");
        Instant midnight = Instant.parse("2026-11-22T00:00:00Z");
        java.util.Set<Instant> times = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            LocalDate day = DAY.plusDays(i);
            Instant at = random.sendAt(day);
            Instant dayEnd = midnight.plus(Duration.ofDays(i));
            assertThat(at).isBetween(dayEnd, dayEnd.plus(Duration.ofHours(4)).minusSeconds(1));
            assertThat(new SendSchedule(Optional.empty(), "relay.test").sendAt(day)).isEqualTo(at);
            times.add(Instant.ofEpochSecond(Duration.between(dayEnd, at).toSeconds()));
        }
        assertThat(times).hasSizeGreaterThan(20);
    }

    private static String gunzip(byte[] gz) throws Exception {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
