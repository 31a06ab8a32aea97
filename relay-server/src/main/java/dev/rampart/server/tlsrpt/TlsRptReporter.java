package dev.rampart.server.tlsrpt;

import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.tlsrpt.PolicySummary;
import dev.rampart.policy.tlsrpt.ReportAggregator;
import dev.rampart.policy.tlsrpt.ReportFile;
import dev.rampart.policy.tlsrpt.TlsRptJournal;
import dev.rampart.policy.tlsrpt.TlsRptRecord;
import dev.rampart.policy.tlsrpt.TlsRptRecordParser;
import dev.rampart.policy.tlsrpt.TlsRptReport;
import dev.rampart.queue.BodyType;
import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.dkim.DkimSigner;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and delivers the daily TLS-RPT reports (RFC 8460 §4–5; design.md step 7): the day's journal is
 * aggregated per report domain ({@link ReportAggregator}); for each domain the {@code _smtp._tls} record is
 * looked up at report time (REP-02: none → that day's data for it is dropped); the report gets a report id
 * derived from (day, domain, submitter), so a preview, the send and every retry carry the same one
 * (REP-15, acceptance 4); then one {@link PendingReport} per rua destination (REP-14: each of them) goes
 * into the {@link ReportOutbox} and is tried at once. {@code mailto:} reports are queued as Rampart's own
 * messages, tagged {@code TLS-Required: No} (REP-12), whose sessions are never recorded (RPT-09);
 * {@code https:} reports are posted. Failures stay in the outbox with backoff for up to 24 h.
 *
 * <p>Blocking (DNS, disk, HTTP): call from a worker or virtual thread. Thread-safe: sending is serialised.
 */
public final class TlsRptReporter {
    private static final Logger log = LoggerFactory.getLogger("rampart.tlsrpt");

    /**
     * @param organizationName {@code organization-name} (REP-04)
     * @param contactInfo      {@code contact-info}, an addr-spec; also the reports' From and envelope sender
     * @param submitter        our domain, the domain of {@code contactInfo} (REP-09)
     */
    public record Settings(String organizationName, String contactInfo, String submitter) {
        public Settings {
            Objects.requireNonNull(organizationName);
            Objects.requireNonNull(contactInfo);
            Objects.requireNonNull(submitter);
        }
    }

    /** One report as it would be sent, with where it would go. */
    public record Prepared(TlsRptReport report, ReportFile file, TlsRptRecord record) {}

    /** What a send did, for the CLI and logs. */
    public record SendSummary(LocalDate day, int reports, int destinations, int delivered, int pending, int skipped) {}

    private final Settings settings;
    private final TlsRptJournal journal;
    private final DnsResolver resolver;
    private final MessageQueue queue;
    private final Runnable wakeDelivery;
    private final HttpsReportSender https;
    private final ReportOutbox outbox;
    private final Optional<DkimSigner> dkim;
    private final InstantSource clock;
    private final TlsRptMetrics metrics;

    public TlsRptReporter(Settings settings, TlsRptJournal journal, DnsResolver resolver, MessageQueue queue,
                          Runnable wakeDelivery, HttpsReportSender https, ReportOutbox outbox, Optional<DkimSigner> dkim,
                          InstantSource clock, TlsRptMetrics metrics) {
        this.settings = Objects.requireNonNull(settings);
        this.journal = Objects.requireNonNull(journal);
        this.resolver = Objects.requireNonNull(resolver);
        this.queue = Objects.requireNonNull(queue);
        this.wakeDelivery = Objects.requireNonNull(wakeDelivery);
        this.https = Objects.requireNonNull(https);
        this.outbox = Objects.requireNonNull(outbox);
        this.dkim = Objects.requireNonNull(dkim);
        this.clock = Objects.requireNonNull(clock);
        this.metrics = Objects.requireNonNull(metrics);
    }

    /**
     * The reports for {@code day} (all report domains, or one), each with its {@code _smtp._tls} lookup:
     * exactly what {@link #send} would send ({@code rampart tlsrpt preview}). Nothing is written.
     */
    public List<Prepared> prepare(LocalDate day, Optional<String> onlyDomain) throws IOException, InterruptedException {
        TlsRptJournal.Day records = journal.read(day);
        if (records.skippedLines() > 0) {
            log.warn("tlsrpt journal {}: {} unreadable line(s) skipped: {}", day, records.skippedLines(),
                    records.problems().stream().limit(3).toList());
        }
        Map<String, List<PolicySummary>> byDomain = ReportAggregator.aggregate(day, records.records());
        List<Prepared> out = new ArrayList<>();
        for (Map.Entry<String, List<PolicySummary>> e : byDomain.entrySet()) {
            if (onlyDomain.isPresent() && !onlyDomain.get().equalsIgnoreCase(e.getKey())) {
                continue;
            }
            TlsRptReport report = new TlsRptReport(settings.organizationName(), day, settings.contactInfo(),
                    reportId(day, e.getKey()), settings.submitter(), e.getKey(), e.getValue());
            ReportFile file = ReportFile.of(report, unique(report.reportId()), ReportFile.MAX_COMPRESSED);
            out.add(new Prepared(file.report(), file, lookup(e.getKey())));
        }
        return out;
    }

    /** Builds the day's reports and hands each to every rua destination now; failures wait in the outbox. */
    public synchronized SendSummary send(LocalDate day, Optional<String> onlyDomain) throws IOException, InterruptedException {
        List<Prepared> prepared = prepare(day, onlyDomain);
        Instant now = clock.instant();
        int destinations = 0;
        int delivered = 0;
        int pending = 0;
        int skipped = 0;
        for (Prepared p : prepared) {
            switch (p.record()) {
                case TlsRptRecord.Absent a -> {
                    skipped++;
                    log.info("tlsrpt day={} domain={} sessions={} not sent: {}", day, p.report().reportDomain(),
                            p.report().sessions(), a.reason());
                }
                case TlsRptRecord.Found f -> {
                    for (TlsRptRecord.Destination d : f.rua()) {
                        destinations++;
                        String key = key(p.report().reportId(), d.uri());
                        // A report sent again (rampart tlsrpt send) keeps its retry history: the 24 h of
                        // REP-15 count from its first attempt, not from this one.
                        Optional<PendingReport> earlier = outbox.get(key);
                        PendingReport r = new PendingReport(key, p.report().reportId(), p.report().reportDomain(), day,
                                d.uri(), p.file().name(), p.file().gzipped(),
                                earlier.map(PendingReport::firstAttempt).orElse(now),
                                earlier.map(PendingReport::attempts).orElse(0), now,
                                earlier.map(PendingReport::lastError).orElse(""));
                        outbox.put(r);
                        if (attempt(r)) {
                            delivered++;
                        } else {
                            pending++;
                        }
                    }
                }
            }
        }
        if (onlyDomain.isEmpty()) {
            outbox.markDayDone(day);
        }
        return new SendSummary(day, prepared.size(), destinations, delivered, pending, skipped);
    }

    /** Retries what is due in the outbox; drops what is past 24 h (REP-15). */
    public synchronized void retryDue() throws IOException, InterruptedException {
        Instant now = clock.instant();
        for (PendingReport r : outbox.due(now)) {
            if (r.expired(now)) {
                outbox.remove(r);
                metrics.sent("expired");
                log.warn("tlsrpt report {} to {} dropped after {} attempts over 24 h; last error: {}", r.reportId(),
                        r.destination(), r.attempts(), r.lastError());
                continue;
            }
            attempt(r);
        }
    }

    /** Whether {@code day}'s reports were already sent (the daily schedule asks before sending). */
    public boolean sent(LocalDate day) {
        return outbox.dayDone(day);
    }

    private boolean attempt(PendingReport r) throws IOException, InterruptedException {
        Instant now = clock.instant();
        String error;
        if (r.destination().regionMatches(true, 0, "mailto:", 0, 7)) {
            error = mail(r, now);
        } else {
            error = post(r);
        }
        if (error.isEmpty()) {
            outbox.remove(r);
            metrics.sent(r.destination().regionMatches(true, 0, "mailto:", 0, 7) ? "mailto" : "https");
            log.info("tlsrpt report {} domain={} day={} sent to {} (attempt {})", r.reportId(), r.reportDomain(),
                    r.day(), r.destination(), r.attempts() + 1);
            return true;
        }
        PendingReport next = r.failed(now, error);
        outbox.put(next);
        metrics.sent("failed");
        log.warn("tlsrpt report {} to {} failed (attempt {}): {}; next try {}", r.reportId(), r.destination(),
                next.attempts(), error, next.nextAttempt());
        return false;
    }

    private String mail(PendingReport r, Instant now) throws IOException {
        Optional<String> to = TlsRptRecordParser.mailtoAddress(r.destination());
        if (to.isEmpty()) {
            return "not a mailto: address: " + r.destination();
        }
        String address = to.get();
        byte[] message = ReportMail.build(new ReportMail.Meta(r.reportId(), r.reportDomain(), settings.submitter(),
                r.day(), r.fileName()), r.gzipped(), settings.contactInfo(), address, now, dkim);
        MessageParams params = new MessageParams(settings.contactInfo(), BodyType.SEVEN_BIT, false, "", Ret.HDRS,
                TlsTag.TLS_OPTIONAL, "rampart tlsrpt", "");
        try (IncomingMessage m = queue.create(params, List.of(RecipientSpec.of(address)))) {
            m.body().write(message);
            m.commit().get(2, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            return "queueing the report mail failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while queueing the report mail";
        }
        wakeDelivery.run();
        return "";
    }

    private String post(PendingReport r) throws InterruptedException {
        URI target;
        try {
            target = new URI(r.destination());
        } catch (java.net.URISyntaxException e) {
            return "bad URI: " + e.getMessage();
        }
        return switch (https.post(target, r.gzipped())) {
            case HttpsReportSender.Outcome.Accepted a -> "";
            case HttpsReportSender.Outcome.Failed f -> f.reason();
        };
    }

    private TlsRptRecord lookup(String domain) throws InterruptedException {
        try {
            DnsResult<String> answer = resolver.txt(TlsRptRecordParser.queryName(domain)).get(30, TimeUnit.SECONDS);
            return TlsRptRecordParser.fromDns(answer);
        } catch (ExecutionException | TimeoutException e) {
            return new TlsRptRecord.Absent("TXT lookup of " + TlsRptRecordParser.queryName(domain) + " failed: " + e);
        }
    }

    /** Stable per (day, domain, submitter): the preview and every retry name the same report (REP-15). */
    String reportId(LocalDate day, String domain) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC).toString().substring(0, 10) + "." + domain + "."
                + unique(day + "!" + domain + "!" + settings.submitter()) + "@" + settings.submitter();
    }

    private static String unique(String seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String reportId, String destination) {
        return unique(reportId + "|" + destination) + "-" + unique(destination);
    }
}
