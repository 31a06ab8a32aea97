package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RPT-06: alerts become validation-failure reason codes like the RFC 8460 example. */
class TlsAlertsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Received fatal alert: handshake_failure                          | tls-alert-40-handshake_failure",
            "javax.net.ssl.SSLHandshakeException: Received fatal alert: protocol_version | tls-alert-70-protocol_version",
            "SSLException: Received fatal alert: unknown_ca                   | tls-alert-48-unknown_ca",
            "the TLS handshake failed: alert(certificate_unknown)             | tls-alert-46-certificate_unknown"})
    void namesAlertsWithTheirNumbers(String message, String code) {
        assertThat(TlsAlerts.reasonCode(message)).contains(code);
    }

    @ParameterizedTest
    @CsvSource({"Connection reset", "alert: no_such_alert", "handshake timed out"})
    void nothingWhenNoKnownAlertIsNamed(String message) {
        assertThat(TlsAlerts.reasonCode(message)).isEmpty();
    }
}
