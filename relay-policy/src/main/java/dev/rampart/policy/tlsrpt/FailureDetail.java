package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptResultType;
import java.util.Objects;

/**
 * One {@code failure-details} entry of RFC 8460 §4.4 for one session (RPT-02). Every field is part of the
 * aggregation key (REP-06), so sessions with equal details add up into one entry. Addresses are written
 * dotted-quad or RFC 5952 and host names as A-labels (RPT-12) by whoever builds the record. Immutable.
 *
 * @param sendingMtaIp         our source address of the session; empty when no connection was made
 * @param receivingMxHostname  the MX host name as published (MX-15)
 * @param receivingMxHelo      the name in the server's greeting, empty when unknown (optional field)
 * @param receivingIp          the server address; empty when no connection was made (host skipped)
 * @param failureReasonCode    e.g. {@code all-unusable}, {@code tls-alert-42-bad_certificate}; may be empty
 * @param additionalInformation a URI with more information (optional field, RFC 8460 {@code additional-information}); may be empty
 */
public record FailureDetail(TlsRptResultType resultType, String sendingMtaIp, String receivingMxHostname,
                            String receivingMxHelo, String receivingIp, String failureReasonCode,
                            String additionalInformation) {
    public FailureDetail {
        Objects.requireNonNull(resultType);
        Objects.requireNonNull(sendingMtaIp);
        Objects.requireNonNull(receivingMxHostname);
        Objects.requireNonNull(receivingMxHelo);
        Objects.requireNonNull(receivingIp);
        Objects.requireNonNull(failureReasonCode);
        Objects.requireNonNull(additionalInformation);
    }
}
