package dev.rampart.server.tlsrpt;

import dev.rampart.policy.tlsrpt.SessionRecord;
import dev.rampart.policy.tlsrpt.TlsRptJournal;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS-RPT at run time: records sessions in the {@link TlsRptJournal} (RPT-11; forced to disk every
 * second), sends each finished UTC day's reports at its {@link SendSchedule} time when reporting is
 * enabled (a day missed while the relay was down is sent late, up to two days back), retries the outbox
 * (REP-15) and removes journal days older than {@link #RETENTION_DAYS}. {@link #tick} is the whole
 * periodic work, so tests drive it with an injected clock; {@link #start} runs it every minute.
 *
 * <p>Thread-safe. {@link #record} never throws: a journal problem is logged and counted, never a
 * delivery failure.
 */
public final class TlsRptService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("rampart.tlsrpt");
    static final int RETENTION_DAYS = 14;
    private static final int CATCH_UP_DAYS = 2;

    private final TlsRptJournal journal;
    private final Optional<TlsRptReporter> reporter;
    private final SendSchedule schedule;
    private final InstantSource clock;
    private final TlsRptMetrics metrics;
    private final boolean daily;
    private ScheduledExecutorService timer;

    /**
     * @param reporter empty when no contact address is configured: sessions are recorded, no report can be
     *                 built
     * @param daily    {@code tlsrpt.enabled}: send each day's reports on schedule; without it reports go out
     *                 only on {@code rampart tlsrpt send}
     */
    public TlsRptService(TlsRptJournal journal, Optional<TlsRptReporter> reporter, SendSchedule schedule,
                         InstantSource clock, TlsRptMetrics metrics, boolean daily) {
        this.journal = Objects.requireNonNull(journal);
        this.reporter = Objects.requireNonNull(reporter);
        this.schedule = Objects.requireNonNull(schedule);
        this.clock = Objects.requireNonNull(clock);
        this.metrics = Objects.requireNonNull(metrics);
        this.daily = daily;
    }

    public void record(SessionRecord record) {
        try {
            if (journal.append(record)) {
                metrics.recorded();
            } else {
                metrics.dropped();
            }
        } catch (IOException | RuntimeException e) {
            metrics.dropped();
            log.warn("tlsrpt journal: session for {} not recorded: {}", record.reportDomain(), e.toString());
        }
    }

    public Optional<TlsRptReporter> reporter() {
        return reporter;
    }

    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tlsrpt").daemon().factory());
        timer.scheduleWithFixedDelay(this::sync, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                log.warn("tlsrpt: periodic work failed: {}", e.toString());
            }
        }, 5, 60, TimeUnit.SECONDS);
    }

    /** Sends due days, retries the outbox, prunes old journal days. */
    public void tick() throws IOException, InterruptedException {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (reporter.isPresent()) {
            TlsRptReporter r = reporter.get();
            for (int back = CATCH_UP_DAYS; back >= 1 && daily; back--) {
                LocalDate day = today.minusDays(back);
                if (!now.isBefore(schedule.sendAt(day)) && !r.sent(day) && journal.days().contains(day)) {
                    TlsRptReporter.SendSummary s = r.send(day, Optional.empty());
                    log.info("tlsrpt day={} reports={} destinations={} delivered={} pending={} no-record={}", day,
                            s.reports(), s.destinations(), s.delivered(), s.pending(), s.skipped());
                }
            }
            r.retryDue();
        }
        for (LocalDate day : journal.days()) {
            if (day.isBefore(today.minusDays(RETENTION_DAYS))) {
                journal.delete(day);
            }
        }
    }

    private void sync() {
        try {
            journal.sync();
        } catch (IOException | RuntimeException e) {
            log.warn("tlsrpt journal: sync failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
        journal.close();
    }
}
