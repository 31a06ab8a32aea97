package dev.rampart.server.sts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The MTA-STS meters, with bounded labels only (never a domain): {@code rampart_mta_sts_lookups_total{result=
 * cache|fetch|none|fetch-failed}} for the lookups delivery planning makes, {@code rampart_mta_sts_refresh_total
 * {result=ok|failed}} for proactive refreshes (STS-16), and the gauge {@code rampart_mta_sts_cached_policies}.
 * Thread-safe.
 */
public final class StsMetrics {
    private final MeterRegistry registry;

    /** Registers the cached-policies gauge, which lists the cache directory when scraped. */
    public StsMetrics(MeterRegistry registry, StsService service) {
        this.registry = Objects.requireNonNull(registry);
        Gauge.builder("rampart.mta.sts.cached.policies", service, StsService::cachedPolicies)
                .description("MTA-STS policies in the persistent cache, valid or awaiting removal")
                .strongReference(true)
                .register(registry);
    }

    /** Counts the lookup's result when it completes; the returned future is {@code lookup} itself. */
    public CompletableFuture<StsOutcome> counted(CompletableFuture<StsOutcome> lookup) {
        return lookup.whenComplete((outcome, error) -> lookedUp(outcome == null ? "none" : outcome.metricResult()));
    }

    void lookedUp(String result) {
        Counter.builder("rampart.mta.sts.lookups")
                .description("MTA-STS lookups for delivery by result: cache, fetch, none, fetch-failed")
                .tag("result", result)
                .register(registry)
                .increment();
    }

    void refreshed(boolean ok) {
        Counter.builder("rampart.mta.sts.refresh")
                .description("Proactive MTA-STS policy refreshes by result (STS-16)")
                .tag("result", ok ? "ok" : "failed")
                .register(registry)
                .increment();
    }
}
