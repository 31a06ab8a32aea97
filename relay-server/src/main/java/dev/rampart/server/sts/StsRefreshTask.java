package dev.rampart.server.sts;

import dev.rampart.policy.sts.fetch.StsLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive refresh of cached MTA-STS policies (STS-16, RFC 8461 §3.3, §10.2): every round refreshes
 * the domains whose jittered refresh time has come ({@link StsService#dueForRefresh}), at most
 * {@code maxConcurrent} at a time, each on {@code executor} (virtual threads in the relay), then deletes
 * expired policies. A success extends the policy's life; a failure keeps it (the cache logs repeated
 * failures at WARN and holds the domain back for 5 minutes, STS-10). Rounds start every
 * {@link #PERIOD}, the first after a random part of it, so that a restarted fleet does not refresh in
 * step. Thread-safe; {@link #runOnce} blocks until the round has finished, {@link #run} never throws.
 */
public final class StsRefreshTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StsRefreshTask.class);
    public static final Duration PERIOD = Duration.ofMinutes(10);
    public static final int DEFAULT_CONCURRENCY = 4;

    private final StsService service;
    private final Executor executor;
    private final Semaphore slots;
    private final StsMetrics metrics;

    /** What one round did. */
    public record Round(List<String> refreshed, List<String> failed, int expiredRemoved) {
        public Round {
            refreshed = List.copyOf(refreshed);
            failed = List.copyOf(failed);
        }
    }

    /**
     * @param executor      where each refresh (a TXT lookup and an HTTPS fetch of up to a minute) runs
     * @param maxConcurrent refreshes running at once, at least 1
     */
    public StsRefreshTask(StsService service, Executor executor, int maxConcurrent, StsMetrics metrics) {
        this.service = Objects.requireNonNull(service);
        this.executor = Objects.requireNonNull(executor);
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1");
        }
        this.slots = new Semaphore(maxConcurrent);
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** Schedules rounds every {@link #PERIOD}, the first after a random delay within one period. */
    public ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, RandomGenerator random) {
        long first = random.nextLong(PERIOD.toMillis());
        return scheduler.scheduleWithFixedDelay(this, first, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            runOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A failed round must not cancel the schedule; the next round tries again.
            LOG.warn("sts refresh round failed: {}", e.toString(), e);
        }
    }

    /** One round: refreshes every due domain, waits for all of them, then removes expired policies. */
    public Round runOnce() throws InterruptedException {
        if (!service.enabled()) {
            return new Round(List.of(), List.of(), 0);
        }
        List<String> due = service.dueForRefresh();
        List<CompletableFuture<Boolean>> running = new ArrayList<>();
        for (String domain : due) {
            slots.acquire();
            CompletableFuture<Boolean> one;
            try {
                one = CompletableFuture.supplyAsync(() -> refresh(domain), executor);
            } catch (RuntimeException e) {
                slots.release();
                throw e;
            }
            running.add(one.whenComplete((ok, error) -> slots.release()));
        }
        List<String> refreshed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
            boolean ok;
            try {
                ok = running.get(i).get();
            } catch (ExecutionException e) {
                ok = false;
            }
            (ok ? refreshed : failed).add(due.get(i));
        }
        int removed = service.removeExpired();
        if (!due.isEmpty() || removed > 0) {
            LOG.info("sts refresh round due={} refreshed={} failed={} expired_removed={}", due.size(),
                    refreshed.size(), failed.size(), removed);
        }
        return new Round(refreshed, failed, removed);
    }

    private boolean refresh(String domain) {
        boolean ok;
        String detail;
        try {
            StsOutcome outcome = service.refresh(domain);
            ok = outcome.fetchedNewPolicy();
            detail = switch (outcome.lookup()) {
                case StsLookup.Applied a -> "id=" + a.entry().id() + " mode=" + a.entry().policy().mode().token()
                        + " reason=\"" + a.reason() + "\"";
                case StsLookup.NoPolicy n -> "reason=\"" + n.reason() + "\"";
                case StsLookup.FetchFailed f -> "result=" + f.kind().resultType() + " reason=\"" + f.reason() + "\"";
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
            detail = "reason=\"interrupted\"";
        } catch (RuntimeException e) {
            ok = false;
            detail = "reason=\"" + e + "\"";
        }
        metrics.refreshed(ok);
        LOG.info("sts policy refresh domain={} result={} {}", domain, ok ? "ok" : "failed", detail);
        return ok;
    }
}
