package dev.rampart.server.tlsrpt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS-RPT counters (labels bounded, never a domain): {@code rampart_tlsrpt_sessions_recorded_total},
 * {@code rampart_tlsrpt_reports_total{result=mailto|https|failed|expired}}. Thread-safe.
 */
public final class TlsRptMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Counter recorded;
    private final Counter refused;

    public TlsRptMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.recorded = Counter.builder("rampart_tlsrpt_sessions_recorded").description("Sessions recorded in the TLS-RPT journal").register(registry);
        this.refused = Counter.builder("rampart_tlsrpt_sessions_dropped").description("Sessions not recorded: the day's journal file is full").register(registry);
    }

    void sent(String result) {
        sent.computeIfAbsent(result, r -> Counter.builder("rampart_tlsrpt_reports").tag("result", r)
                .description("TLS-RPT report deliveries by result").register(registry)).increment();
    }

    public void recorded() {
        recorded.increment();
    }

    public void dropped() {
        refused.increment();
    }
}
