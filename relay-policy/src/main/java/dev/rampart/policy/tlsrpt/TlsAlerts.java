package dev.rampart.policy.tlsrpt;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code failure-reason-code} for a TLS alert (RFC 8460 §4.3.2.3 suggests {@code tls-alert-<n>-<name>}
 * as in its own example): finds the alert name in a handshake failure message such as JSSE's
 * {@code Received fatal alert: handshake_failure} and names it with its RFC 8446 §6 number. Pure.
 */
public final class TlsAlerts {
    private static final Map<String, Integer> CODES = Map.ofEntries(
            Map.entry("close_notify", 0), Map.entry("unexpected_message", 10), Map.entry("bad_record_mac", 20),
            Map.entry("record_overflow", 22), Map.entry("handshake_failure", 40), Map.entry("bad_certificate", 42),
            Map.entry("unsupported_certificate", 43), Map.entry("certificate_revoked", 44),
            Map.entry("certificate_expired", 45), Map.entry("certificate_unknown", 46),
            Map.entry("illegal_parameter", 47), Map.entry("unknown_ca", 48), Map.entry("access_denied", 49),
            Map.entry("decode_error", 50), Map.entry("decrypt_error", 51), Map.entry("protocol_version", 70),
            Map.entry("insufficient_security", 71), Map.entry("internal_error", 80),
            Map.entry("inappropriate_fallback", 86), Map.entry("user_canceled", 90),
            Map.entry("missing_extension", 109), Map.entry("unsupported_extension", 110),
            Map.entry("unrecognized_name", 112), Map.entry("bad_certificate_status_response", 113),
            Map.entry("unknown_psk_identity", 115), Map.entry("certificate_required", 116),
            Map.entry("no_application_protocol", 120));
    private static final Pattern ALERT = Pattern.compile("alert[:\\s(]+([a-z_]+)", Pattern.CASE_INSENSITIVE);

    private TlsAlerts() {}

    /** {@code tls-alert-40-handshake_failure} for a message naming that alert; empty when none is named. */
    public static Optional<String> reasonCode(String handshakeFailure) {
        Matcher m = ALERT.matcher(handshakeFailure);
        while (m.find()) {
            String name = m.group(1).toLowerCase(Locale.ROOT);
            Integer code = CODES.get(name);
            if (code != null) {
                return Optional.of("tls-alert-" + code + "-" + name);
            }
        }
        return Optional.empty();
    }
}
