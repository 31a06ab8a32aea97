package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The meters render with the documented Prometheus names and bounded labels. */
class SmtpMetricsTest {

    @Test
    void prometheusNamesStartWithRampart() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SmtpMetrics m = new SmtpMetrics(registry);
        m.connectionOpened();
        m.accepted(1234);
        m.rejected(RejectReason.RELAY_DENIED);
        m.auth(false);
        String text = registry.scrape();
        assertThat(text).contains("rampart_smtp_connections_total 1.0")
                .contains("rampart_smtp_connections_active 1.0")
                .contains("rampart_smtp_messages_accepted_total 1.0")
                .contains("rampart_smtp_rejections_total{reason=\"relay_denied\"} 1.0")
                .contains("rampart_smtp_rejections_total{reason=\"bare_cr_lf\"} 0.0")
                .contains("rampart_smtp_auth_total{result=\"failure\"} 1.0")
                .contains("rampart_smtp_message_size_bytes_count 1");
        m.connectionClosed();
        assertThat(registry.scrape()).contains("rampart_smtp_connections_active 0.0");
    }
}
