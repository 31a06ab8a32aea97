package dev.rampart.server.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listener's meters, registered once per server. Thread-safe. Names render in Prometheus as
 * {@code rampart_smtp_*}; every label has a bounded value set (never an address or a domain).
 */
final class SmtpMetrics {
    private final Counter connections;
    private final Counter accepted;
    private final DistributionSummary messageSize;
    private final Counter authSuccess;
    private final Counter authFailure;
    private final Counter tlsHandshakes;
    private final Map<RejectReason, Counter> rejections = new EnumMap<>(RejectReason.class);
    private final AtomicInteger active = new AtomicInteger();

    SmtpMetrics(MeterRegistry registry) {
        connections = Counter.builder("rampart.smtp.connections").description("Inbound SMTP connections accepted")
                .register(registry);
        accepted = Counter.builder("rampart.smtp.messages.accepted").description("Messages committed to the queue")
                .register(registry);
        messageSize = DistributionSummary.builder("rampart.smtp.message.size").baseUnit("bytes")
                .description("Size of accepted messages").register(registry);
        authSuccess = Counter.builder("rampart.smtp.auth").tag("result", "success").register(registry);
        authFailure = Counter.builder("rampart.smtp.auth").tag("result", "failure").register(registry);
        tlsHandshakes = Counter.builder("rampart.smtp.starttls").description("Completed inbound STARTTLS handshakes")
                .register(registry);
        for (RejectReason r : RejectReason.values()) {
            rejections.put(r, Counter.builder("rampart.smtp.rejections").tag("reason", r.label())
                    .description("Commands, messages or connections refused").register(registry));
        }
        Gauge.builder("rampart.smtp.connections.active", active, AtomicInteger::get)
                .description("Open inbound SMTP connections").register(registry);
    }

    void connectionOpened() {
        connections.increment();
        active.incrementAndGet();
    }

    void connectionClosed() {
        active.decrementAndGet();
    }

    void accepted(long size) {
        accepted.increment();
        messageSize.record(size);
    }

    void rejected(RejectReason reason) {
        rejections.get(reason).increment();
    }

    void auth(boolean success) {
        (success ? authSuccess : authFailure).increment();
    }

    void tlsHandshake() {
        tlsHandshakes.increment();
    }
}
