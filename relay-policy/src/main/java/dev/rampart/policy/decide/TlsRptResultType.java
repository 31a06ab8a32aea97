package dev.rampart.policy.decide;

/**
 * RFC 8460 §4.3 result types, the closed set of the IANA registry (RPT-06, REP-06). The decision
 * functions use the DNS-side ones; the session recorder adds the TLS-side ones. Immutable.
 */
public enum TlsRptResultType {
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    CERTIFICATE_EXPIRED("certificate-expired"),
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    VALIDATION_FAILURE("validation-failure"),
    TLSA_INVALID("tlsa-invalid"),
    DNSSEC_INVALID("dnssec-invalid"),
    DANE_REQUIRED("dane-required"),
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    STS_POLICY_INVALID("sts-policy-invalid"),
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private final String wireName;

    TlsRptResultType(String wireName) {
        this.wireName = wireName;
    }

    /** The string written to the report's {@code result-type}. */
    public String wireName() {
        return wireName;
    }
}
