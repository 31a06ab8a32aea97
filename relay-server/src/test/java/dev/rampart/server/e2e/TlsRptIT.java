package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rampart.server.dkim.DkimSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS-RPT end to end with real parts (issue 5, "Tests that must exist" and acceptance 1–4): the MTA-STS
 * world ({@link StsWorld}: NSD with the signed test TLD, nginx serving policies, Postfix receivers) plus,
 * through its {@link StsWorld.Extension}, a {@code _smtp._tls} record for each case domain that should get
 * reports, a domain without any policy ({@value #NO_POLICY}), the reports domain {@value #REPORTS} with an
 * MX (a Postfix receiver holding the report mailbox) and an HTTPS endpoint ({@link ReportCollector}: nginx
 * with a test-CA certificate that keeps every POST body), and the DKIM key of the submitter {@value #SUBMITTER}.
 *
 * <p>{@link #startWorld} makes the day: one message per case (two to the enforce domain), delivered or left
 * queued, each attempt waited for on its delivery log line. The tests then run the relay's own CLI
 * ({@code rampart tlsrpt preview|send}) against its admin port and check, from observed facts (delivery log
 * lines and the journal, not hard-coded totals), that the reports hold exactly the sessions that happened,
 * with the right result types, arrive by mail (DKIM verified by dkimpy, a real verifier, with its key from
 * NSD) and by HTTPS POST (gzip, {@code application/tlsrpt+gzip}), equal to the preview; that the report
 * mail's own session is not recorded (RPT-09); that a domain without a record gets nothing (REP-02); and
 * (acceptance 3) that a SIGKILL loses no recorded session and a report whose endpoint failed is sent again
 * later under the same report id. Ordered: sending needs the day, RPT-09 needs the sent mail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsRptIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String REPORTS = "reports.test";
    static final String RUA_MAILBOX = "rua@" + REPORTS;
    static final String NO_POLICY = "nopolicy.test";
    static final String SUBMITTER = "sender.test";
    static final String CONTACT = "tlsrpt@" + SUBMITTER;
    static final String SELECTOR = "tlsrpt2026";
    /** The selector of {@code dkim.keys}' key for {@value #SUBMITTER}, which signs relayed mail from it. */
    static final String MAIL_SELECTOR = "mail2026";
    static final String ORGANIZATION = "Rampart e2e";

    /** The case domains whose sessions happen today, and whether each publishes {@code _smtp._tls}. */
    static final List<StsWorld.Case> REPORTED = List.of(StsWorld.Case.ENFORCE, StsWorld.Case.UNTRUSTED,
            StsWorld.Case.TESTING, StsWorld.Case.NOT_FOUND, StsWorld.Case.DANE_AND_STS, StsWorld.Case.DANE_FAILS);
    /** Delivered to (sts, wildcard) but publishes no {@code _smtp._tls}: REP-02. */
    static final StsWorld.Case UNREPORTED = StsWorld.Case.WILDCARD;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private StsWorld world;
    private PostfixReceiver reportsMx;
    private ReportCollector collector;
    private RampartProcess relay;
    private LocalDate today;
    /** Every report domain of the day with the delivery log lines of its sessions. */
    private final Map<String, List<DeliveryLogLine>> linesByDomain = new LinkedHashMap<>();

    @BeforeAll
    void startWorld(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        KeyPair dkim = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path dkimKey = pem(dkim, dir.resolve("dkim-" + SELECTOR + ".pem"));
        KeyPair mailKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        pem(mailKey, dir.resolve("dkim-" + MAIL_SELECTOR + ".pem"));
        Path dkimKeys = dir.resolve("dkim-keys");
        Files.writeString(dkimKeys, SUBMITTER + " " + MAIL_SELECTOR + " dkim-" + MAIL_SELECTOR + ".pem\n",
                StandardCharsets.US_ASCII);
        world = StsWorld.start(dir.resolve("world"), (ca, zones, worldDir, closeWithWorld) -> {
            reportsMx = PostfixReceiver.builder("mx." + REPORTS).domains(REPORTS, NO_POLICY)
                    .start(worldDir.resolve("reports-mx"));
            closeWithWorld.accept(reportsMx);
            collector = ReportCollector.start(REPORTS, TestCertificates.issued(REPORTS, ca, worldDir.resolve("reports-cert")),
                    worldDir.resolve("reports-https"));
            closeWithWorld.accept(collector);
            String rua = "v=TLSRPTv1; rua=mailto:" + RUA_MAILBOX + "," + collector.uri();
            for (StsWorld.Case c : REPORTED) {
                zones.txt("_smtp._tls." + c.domain(), rua);
            }
            zones.zone(REPORTS).zone(NO_POLICY).zone(SUBMITTER)
                    .mx(REPORTS, 10, "mx." + REPORTS).a("mx." + REPORTS, reportsMx.address())
                    .a(REPORTS, collector.address())
                    .mx(NO_POLICY, 10, "mx." + REPORTS)
                    .txt("_smtp._tls." + NO_POLICY, rua)
                    .txt(SELECTOR + "._domainkey." + SUBMITTER, DkimSigner.dnsRecord(dkim.getPublic()))
                    .txt(MAIL_SELECTOR + "._domainkey." + SUBMITTER, DkimSigner.dnsRecord(mailKey.getPublic()));
        });
        relay = world.relay(dir.resolve("relay")).tlsrpt(CONTACT, ORGANIZATION, SELECTOR, dkimKey).dkimKeys(dkimKeys)
                .start();
        today = LocalDate.now(ZoneOffset.UTC);

        List<String> recipients = new ArrayList<>();
        for (StsWorld.Case c : REPORTED) {
            recipients.add(c.recipient());
        }
        recipients.add(StsWorld.Case.ENFORCE.recipient("second"));
        recipients.add(UNREPORTED.recipient());
        recipients.add("rcpt@" + NO_POLICY);
        for (String rcpt : recipients) {
            String tag = "tlsrpt-" + rcpt.replace('@', '-');
            String queueId = DaneCases.submit(relay, rcpt, tag);
            DeliveryLogLine line = relay.awaitDelivery("the attempt for " + rcpt,
                    l -> l.queueId().equals(queueId) && l.rcpt().equals(rcpt), WAIT);
            linesByDomain.computeIfAbsent(domainOf(rcpt), d -> new ArrayList<>()).add(line);
        }
        // A session is journaled when it ends, which may be just after its delivery line was written.
        long attempts = linesByDomain.values().stream().mapToLong(List::size).sum();
        Await.untilTrue("the journal to hold " + attempts + " sessions", WAIT,
                () -> journalSessions().values().stream().mapToLong(Long::longValue).sum() >= attempts, relay::diagnostics);
        // The day must not straddle midnight UTC, or the journal and the reports would split it.
        assertThat(LocalDate.now(ZoneOffset.UTC)).as("the test ran across midnight UTC").isEqualTo(today);
    }

    private static Path pem(KeyPair keys, Path file) throws IOException {
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return file;
    }

    @AfterAll
    void stopWorld() throws Exception {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            if (world != null) {
                world.close();
            }
        }
    }

    /**
     * Acceptance 1 and 4 (preview side), RPT-01/07, REP-02/05/06: the preview has one report per report
     * domain of the day; each one's session count equals the relay's delivery attempts for the domain and
     * the journal's lines for it; failures are the attempts that stayed queued plus the testing-mode audits;
     * result types as the RPT-06 table says; the domain without {@code _smtp._tls} will not be sent.
     */
    @Test
    @Order(1)
    void acceptance1_previewCountsEverySessionOfTheDayWithTheRightResultTypes() throws Exception {
        JsonNode preview = preview(Optional.empty());
        Map<String, JsonNode> byDomain = reportsByDomain(preview);
        assertThat(byDomain.keySet()).as("%s", preview).containsExactlyInAnyOrderElementsOf(linesByDomain.keySet());
        Map<String, Long> journal = journalSessions();
        for (Map.Entry<String, List<DeliveryLogLine>> e : linesByDomain.entrySet()) {
            String domain = e.getKey();
            JsonNode r = byDomain.get(domain);
            long attempts = e.getValue().size();
            long failed = e.getValue().stream().filter(l -> !l.status().equals("sent") || !l.get("audit").isEmpty()).count();
            assertThat(journal.getOrDefault(domain, 0L)).as("RPT-01: journal lines of %s", domain).isEqualTo(attempts);
            // "sessions" sums every policy's counts: a session under two policies counts in each of them.
            assertThat(r.path("sessions").asLong()).as("sessions of %s: %s", domain, r)
                    .isEqualTo(journalResults().getOrDefault(domain, 0L));
            JsonNode report = r.path("report");
            assertThat(report.path("policies").isArray()).as("%s", report).isTrue();
            assertThat(report.path("report-id").asText()).isEqualTo(r.path("report_id").asText());
            assertThat(report.path("organization-name").asText()).isEqualTo(ORGANIZATION);
            assertThat(report.path("contact-info").asText()).isEqualTo(CONTACT);
            assertThat(report.path("date-range").path("start-datetime").asText()).isEqualTo(today + "T00:00:00Z");
            assertThat(report.path("date-range").path("end-datetime").asText()).isEqualTo(today + "T23:59:59Z");
            // The policy that decided: its summary holds every session (one policy per session here).
            JsonNode deciding = decidingPolicy(domain, report);
            assertThat(count(deciding, "total-successful-session-count") + count(deciding, "total-failure-session-count"))
                    .as("%s", deciding).isEqualTo(attempts);
            // RPT-10: with a _mta-sts record but no policy (404), every attempt is also an sts failure.
            boolean fetchFails = domain.equals(StsWorld.Case.NOT_FOUND.domain());
            assertThat(count(deciding, "total-failure-session-count")).as("failures of %s: %s", domain, deciding)
                    .isEqualTo(fetchFails ? attempts : failed);
            long detailSum = 0;
            for (JsonNode d : deciding.path("failure-details")) {
                detailSum += d.path("failed-session-count").asLong();
                assertThat(d.path("failed-session-count").isIntegralNumber()).as("%s", d).isTrue();
            }
            assertThat(detailSum).as("RPT-07: %s", deciding)
                    .isGreaterThanOrEqualTo(count(deciding, "total-failure-session-count"));
            boolean published = !domain.equals(UNREPORTED.domain());
            assertThat(r.path("will_send").asBoolean()).as("REP-02: %s", r).isEqualTo(published);
            if (published) {
                assertThat(texts(r.path("rua"))).as("%s", r).containsExactly("mailto:" + RUA_MAILBOX, collector.uri());
            }
        }

        assertThat(resultTypes(byDomain, StsWorld.Case.UNTRUSTED.domain(), "sts")).containsExactly("certificate-not-trusted");
        assertThat(resultTypes(byDomain, StsWorld.Case.TESTING.domain(), "sts")).containsExactly("certificate-not-trusted");
        assertThat(resultTypes(byDomain, StsWorld.Case.DANE_FAILS.domain(), "tlsa")).containsExactly("tlsa-invalid");
        assertThat(resultTypes(byDomain, StsWorld.Case.NOT_FOUND.domain(), "sts")).containsExactly("sts-policy-fetch-error");
        assertThat(resultTypes(byDomain, StsWorld.Case.ENFORCE.domain(), "sts")).isEmpty();
        assertThat(resultTypes(byDomain, StsWorld.Case.DANE_AND_STS.domain(), "tlsa")).isEmpty();
        assertThat(resultTypes(byDomain, NO_POLICY, "no-policy-found")).isEmpty();
        // The 404 case went out opportunistically: those sessions are also no-policy-found successes (RPT-05).
        String notFound = StsWorld.Case.NOT_FOUND.domain();
        JsonNode none = policyOfType(notFound, byDomain.get(notFound).path("report"), "no-policy-found");
        assertThat(count(none, "total-successful-session-count")).as("%s", none)
                .isEqualTo(linesByDomain.get(notFound).stream().filter(l -> l.status().equals("sent")).count());
        assertThat(none.path("policy").path("policy-domain").asText()).as("RPT-05: %s", none).isEqualTo(notFound);
        // RPT-02/12: who failed where, as the delivery saw it.
        StsWorld.Case untrusted = StsWorld.Case.UNTRUSTED;
        JsonNode detail = policy(byDomain, untrusted.domain(), "sts").path("failure-details").path(0);
        assertThat(detail.path("receiving-mx-hostname").asText()).as("%s", detail).isEqualTo(untrusted.mxHost());
        assertThat(detail.path("receiving-ip").asText()).as("%s", detail)
                .isEqualTo(world.mxAddress(untrusted).getHostAddress());
        assertThat(detail.path("sending-mta-ip").asText()).as("%s", detail).isEqualTo("127.0.0.1");
        JsonNode sts = policy(byDomain, StsWorld.Case.ENFORCE.domain(), "sts");
        assertThat(texts(sts.path("policy").path("policy-string"))).as("RPT-03: %s", sts)
                .containsExactly("version: STSv1", "mode: enforce", "mx: mx.enforce.test", "max_age: " + StsWorld.MAX_AGE);
        JsonNode tlsa = policy(byDomain, StsWorld.Case.DANE_FAILS.domain(), "tlsa");
        assertThat(texts(tlsa.path("policy").path("policy-string"))).as("RPT-04: %s", tlsa)
                .containsExactlyElementsOf(world.tlsa(StsWorld.Case.DANE_FAILS.mxHost()));
    }

    /**
     * Acceptance 1, 2 and 4, REP-08..11, REP-13/14: {@code rampart tlsrpt send} mails every published report
     * to the rua mailbox (multipart/report, gzipped JSON equal to the preview, DKIM verified by dkimpy with
     * the key from NSD, and failing when the message is altered) and posts it to the HTTPS endpoint
     * (application/tlsrpt+gzip, the same JSON); nothing goes anywhere for the domain without a record.
     */
    @Test
    @Order(2)
    void acceptance2_sendMailsAndPostsEveryReportAsPreviewedAndTheMailPassesDkim() throws Exception {
        Map<String, JsonNode> previewed = reportsByDomain(preview(Optional.empty()));
        Tools.Result sent = relay.cli("tlsrpt", "send", "--date", today.toString(), "--json");
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        JsonNode summary = JSON.readTree(sent.stdout());
        long published = previewed.values().stream().filter(r -> r.path("will_send").asBoolean()).count();
        assertThat(summary.path("reports").asLong()).as(sent.output()).isEqualTo(previewed.size());
        assertThat(summary.path("destinations").asLong()).as(sent.output()).isEqualTo(2 * published);
        assertThat(summary.path("delivered").asLong()).as(sent.output()).isEqualTo(2 * published);
        assertThat(summary.path("without_record").asLong()).as(sent.output()).isEqualTo(1);

        List<MaildirMessage> mails = Await.until(published + " report mails", WAIT, () -> {
            List<MaildirMessage> m = reportsMx.messagesFor(RUA_MAILBOX);
            return m.size() >= published ? Optional.of(m) : Optional.empty();
        }, () -> relay.diagnostics() + reportsMx.diagnostics());
        assertThat(mails).hasSize((int) published);
        List<ReportCollector.Post> posts = awaitPosts((int) published);
        assertThat(posts).as(collector.diagnostics()).hasSize((int) published);

        for (Map.Entry<String, JsonNode> e : previewed.entrySet()) {
            String domain = e.getKey();
            JsonNode expected = e.getValue().path("report");
            List<MaildirMessage> forDomain = mails.stream()
                    .filter(m -> m.header("TLS-Report-Domain").orElse("").equals(domain)).toList();
            List<ReportCollector.Post> postedForDomain = new ArrayList<>();
            for (ReportCollector.Post p : posts) {
                String postedId = TlsRptEvidence.gunzipJson(p.body()).path("report-id").asText();
                if (postedId.equals(expected.path("report-id").asText())) {
                    postedForDomain.add(p);
                }
            }
            if (!e.getValue().path("will_send").asBoolean()) {
                assertThat(forDomain).as("REP-02: no mail for %s", domain).isEmpty();
                assertThat(postedForDomain).as("REP-02: no POST for %s", domain).isEmpty();
                continue;
            }
            MaildirMessage mail = single(forDomain, domain);
            assertThat(mail.header("TLS-Report-Submitter")).as("REP-09").contains(SUBMITTER);
            assertThat(mail.header("Subject").orElse("")).as("REP-10").isEqualTo("Report Domain: " + domain
                    + " Submitter: " + SUBMITTER + " Report-ID: <" + expected.path("report-id").asText() + ">");
            assertThat(mail.header("Content-Type").orElse("")).as("REP-08")
                    .startsWith("multipart/report").contains("report-type=\"tlsrpt\"");
            TlsRptEvidence.ReportPart part = TlsRptEvidence.reportPart(mail);
            assertThat(part.fileName()).as("REP-16").isEqualTo(e.getValue().path("file_name").asText());
            assertThat(TlsRptEvidence.gunzipJson(part.gzipped())).as("the mailed report of %s equals the preview", domain)
                    .isEqualTo(expected);
            assertThat(mail.headers("Received").get(0)).as("REP-12: STARTTLS is still tried").contains("(using TLS");

            String signature = mail.headers("DKIM-Signature").stream().filter(h -> h.contains("s=" + SELECTOR))
                    .findFirst().orElseThrow(() -> new AssertionError("REP-11: not signed with the tlsrpt.dkim key"));
            assertThat(signature).as("REP-11").contains("d=" + SUBMITTER).contains("s=" + SELECTOR).doesNotContain("l=")
                    .containsIgnoringCase("tls-report-domain").containsIgnoringCase("tls-report-submitter");
            assertThat(dkimPasses(mail.raw(), domain)).as("dkimpy on the report mail for %s", domain).isTrue();
            byte[] altered = mail.text().replace("Report Domain: " + domain, "Report Domain: x" + domain)
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(dkimPasses(altered, domain + "-altered")).as("dkimpy on an altered Subject").isFalse();

            ReportCollector.Post post = single(postedForDomain, domain);
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.contentType()).as("REP-13").isEqualTo("application/tlsrpt+gzip");
            assertThat(TlsRptEvidence.gunzipJson(post.body())).as("the posted report of %s equals the preview", domain)
                    .isEqualTo(expected);
        }
    }

    /**
     * {@code dkim.keys}: relayed mail whose {@code From:} domain has a key is signed at delivery, and a real
     * verifier (dkimpy, the key from NSD) accepts the signature as the receiver stored the message.
     */
    @Test
    @Order(2)
    void dkimKeysSignRelayedMailFromTheirDomain() throws Exception {
        StsWorld.Case c = StsWorld.Case.ENFORCE;
        MaildirMessage got = world.receiver(c).awaitMessage(c.recipient(),
                m -> m.header("Subject").orElse("").equals("tlsrpt-" + c.recipient().replace('@', '-')), WAIT);
        assertThat(got.headers("DKIM-Signature")).as(got.text()).singleElement()
                .satisfies(h -> assertThat(h).contains("d=" + SUBMITTER).contains("s=" + MAIL_SELECTOR)
                        .contains("a=ed25519-sha256"));
        assertThat(dkimPasses(got.raw(), "relayed")).as("dkimpy on relayed mail:%n%s", got.text()).isTrue();
        byte[] altered = got.text().replaceFirst("\n\n", "\n\nX").getBytes(StandardCharsets.UTF_8);
        assertThat(dkimPasses(altered, "relayed-altered")).as("dkimpy on an altered body").isFalse();
    }

    /**
     * RPT-09, "a domain whose only traffic is reports gets no report about them": the report mails were
     * delivered to {@value #REPORTS} (their lines say sent), yet the day's preview still has no report for it.
     */
    @Test
    @Order(3)
    void rpt09_theReportMailsOwnSessionsAreNotRecorded() throws Exception {
        DeliveryLogLine line = relay.awaitDelivery("a report mail to " + RUA_MAILBOX,
                l -> l.rcpt().equals(RUA_MAILBOX) && l.status().equals("sent"), WAIT);
        assertThat(line.tls()).as(line.raw()).isNotEqualTo("none");
        Map<String, JsonNode> byDomain = reportsByDomain(preview(Optional.empty()));
        assertThat(byDomain).as("RPT-09").doesNotContainKey(REPORTS);
        assertThat(byDomain.keySet()).containsExactlyInAnyOrderElementsOf(linesByDomain.keySet());
        assertThat(journalSessions()).doesNotContainKey(REPORTS);
    }

    /**
     * Acceptance 3: a SIGKILL loses no recorded session (the preview after restart is the same JSON) and
     * sessions after the restart join the same day; a report whose HTTPS endpoint answers 503 stays pending
     * in the outbox (across another SIGKILL), and sent again once the endpoint is back it carries the same
     * report id.
     */
    @Test
    @Order(4)
    void acceptance3_killLosesNoSessionAndAFailedReportKeepsItsIdWhenSentAgain() throws Exception {
        JsonNode before = preview(Optional.empty());
        relay.kill9();
        relay.restart();
        assertThat(preview(Optional.empty())).as("RPT-11: the journal after SIGKILL").isEqualTo(before);

        // The day goes on after the restart: a new session is appended to the same day's journal and report.
        StsWorld.Case enforce = StsWorld.Case.ENFORCE;
        long journaled = journalSessions().get(enforce.domain());
        String rcpt = enforce.recipient("after-restart");
        String queueId = DaneCases.submit(relay, rcpt, "tlsrpt-after-restart");
        relay.awaitDelivery("the attempt for " + rcpt, l -> l.queueId().equals(queueId) && l.status().equals("sent"), WAIT);
        Await.untilTrue("the new session in the journal", WAIT,
                () -> journalSessions().get(enforce.domain()) == journaled + 1, relay::diagnostics);
        JsonNode grown = reportsByDomain(preview(Optional.empty())).get(enforce.domain());
        JsonNode was = reportsByDomain(before).get(enforce.domain());
        assertThat(grown.path("report_id").asText()).as("one report per day and domain").isEqualTo(was.path("report_id").asText());
        assertThat(count(decidingPolicy(enforce.domain(), grown.path("report")), "total-successful-session-count"))
                .isEqualTo(count(decidingPolicy(enforce.domain(), was.path("report")), "total-successful-session-count") + 1);

        String domain = StsWorld.Case.UNTRUSTED.domain();
        String reportId = reportsByDomain(before).get(domain).path("report_id").asText();
        int postsBefore = collector.posts().size();
        collector.failing(true);
        try {
            Tools.Result failed = relay.cli("tlsrpt", "send", "--date", today.toString(), "--domain", domain, "--json");
            assertThat(failed.exitCode()).as("a pending report: %s", failed.output()).isEqualTo(1);
            assertThat(JSON.readTree(failed.stdout()).path("pending").asInt()).as(failed.output()).isEqualTo(1);
        } finally {
            collector.failing(false);
        }
        List<ReportCollector.Post> afterFailure = awaitPosts(postsBefore + 1);
        List<ReportCollector.Post> refused = afterFailure.subList(postsBefore, afterFailure.size());
        assertThat(refused).as(collector.diagnostics()).singleElement()
                .satisfies(p -> assertThat(p.status()).isEqualTo(503));
        // REP-15: the failed report waits in the outbox, and a crash does not lose it.
        relay.kill9();
        relay.restart();
        JsonNode waiting = single(outbox(), domain);
        assertThat(waiting.path("report_id").asText()).as("%s", waiting).isEqualTo(reportId);
        assertThat(waiting.path("destination").asText()).as("%s", waiting).isEqualTo(collector.uri());
        assertThat(waiting.path("attempts").asInt()).as("%s", waiting).isEqualTo(1);
        assertThat(waiting.path("last_error").asText()).as("%s", waiting).contains("503");

        Tools.Result again = relay.cli("tlsrpt", "send", "--date", today.toString(), "--domain", domain, "--json");
        assertThat(again.exitCode()).as(again.output()).isZero();
        List<ReportCollector.Post> all = awaitPosts(afterFailure.size() + 1);
        assertThat(all).hasSize(afterFailure.size() + 1);
        ReportCollector.Post retried = all.get(all.size() - 1);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(TlsRptEvidence.gunzipJson(retried.body()).path("report-id").asText()).as("REP-15").isEqualTo(reportId);
        assertThat(outbox()).as("delivered reports leave the outbox").isEmpty();
    }

    /** The relay's pending reports (REP-15), one JSON file each. */
    private List<JsonNode> outbox() throws IOException {
        Path outbox = dir.resolve("relay/spool/tlsrpt/outbox");
        List<JsonNode> out = new ArrayList<>();
        try (var files = Files.list(outbox)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(JSON.readTree(f.toFile()));
            }
        }
        return out;
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** Every DKIM signature of {@code message} verified by dkimpy, keys from the world's NSD. */
    private boolean dkimPasses(byte[] message, String name) throws Exception {
        return TlsRptEvidence.dkimVerify(message, world.nsd(), dir, name);
    }

    /** nginx logs a request when it is done with it, which may be just after the relay has its answer. */
    private List<ReportCollector.Post> awaitPosts(int atLeast) throws InterruptedException {
        return Await.until(atLeast + " request(s) in the report endpoint's log", WAIT, () -> {
            List<ReportCollector.Post> p = collector.posts();
            return p.size() >= atLeast ? Optional.of(p) : Optional.empty();
        }, collector::diagnostics);
    }

    private JsonNode preview(Optional<String> domain) throws Exception {
        List<String> args = new ArrayList<>(List.of("tlsrpt", "preview", "--date", today.toString(), "--json"));
        domain.ifPresent(d -> args.addAll(List.of("--domain", d)));
        Tools.Result r = relay.cli(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        JsonNode json = JSON.readTree(r.stdout());
        assertThat(json.path("date").asText()).isEqualTo(today.toString());
        return json;
    }

    private static Map<String, JsonNode> reportsByDomain(JsonNode preview) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : preview.path("reports")) {
            assertThat(out.put(r.path("domain").asText(), r)).as("one report per domain (REP-03): %s", preview).isNull();
        }
        return out;
    }

    /** Sessions per report domain, counted from today's journal file (one JSON line per session). */
    private Map<String, Long> journalSessions() throws IOException {
        Path file = dir.resolve("relay/spool/tlsrpt/journal/tlsrpt-" + today + ".jsonl");
        Map<String, Long> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.merge(JSON.readTree(line).path("domain").asText(), 1L, Long::sum);
            }
        }
        return out;
    }

    /** Policy results per report domain in today's journal (a session may carry several, e.g. sts + none). */
    private Map<String, Long> journalResults() throws IOException {
        Path file = dir.resolve("relay/spool/tlsrpt/journal/tlsrpt-" + today + ".jsonl");
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode session = JSON.readTree(line);
                out.merge(session.path("domain").asText(), (long) session.path("results").size(), Long::sum);
            }
        }
        return out;
    }

    /** The policy whose type decided the domain's sessions: tlsa with TLSA records, sts with a TXT, else none. */
    private static JsonNode decidingPolicy(String domain, JsonNode report) {
        String type = java.util.Arrays.stream(StsWorld.Case.values()).filter(c -> c.domain().equals(domain)).findFirst()
                .map(c -> c.tlsa() != StsWorld.Tlsa.NONE ? "tlsa" : "sts").orElse("no-policy-found");
        return policyOfType(domain, report, type);
    }

    private static JsonNode policyOfType(String domain, JsonNode report, String type) {
        List<JsonNode> matching = new ArrayList<>();
        report.path("policies").forEach(p -> {
            if (p.path("policy").path("policy-type").asText().equals(type)) {
                matching.add(p);
            }
        });
        assertThat(matching).as("one %s policy in the report of %s: %s", type, domain, report).hasSize(1);
        return matching.get(0);
    }

    private static JsonNode policy(Map<String, JsonNode> byDomain, String domain, String type) {
        return decidingPolicy(domain, byDomain.get(domain).path("report"));
    }

    private static List<String> resultTypes(Map<String, JsonNode> byDomain, String domain, String type) {
        JsonNode p = policy(byDomain, domain, type);
        assertThat(p.path("policy").path("policy-type").asText()).isEqualTo(type);
        List<String> out = new ArrayList<>();
        p.path("failure-details").forEach(d -> out.add(d.path("result-type").asText()));
        return out;
    }

    private static long count(JsonNode policy, String field) {
        JsonNode n = policy.path("summary").path(field);
        assertThat(n.isIntegralNumber()).as("REP-05: %s is an integer in %s", field, policy).isTrue();
        return n.asLong();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String domainOf(String address) {
        return address.substring(address.indexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static <T> T single(List<T> items, String domain) {
        assertThat(items).as("exactly one for %s", domain).hasSize(1);
        return items.get(0);
    }
}
