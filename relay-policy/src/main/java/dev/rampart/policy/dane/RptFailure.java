package dev.rampart.policy.dane;

/**
 * Why a DANE check failed, in the terms of the TLS-RPT result types it maps to (RFC 8460 §4.3; RPT-06
 * of the conformance list). Using {@code tlsa-invalid} for "no record matched" is this project's
 * choice; the RFC's wording would also allow {@code certificate-host-mismatch}.
 */
public enum RptFailure {
    /** No usable TLSA record matched the presented certificates (or none was usable). */
    TLSA_INVALID("tlsa-invalid"),
    /** DANE-TA: the chain is good but no certificate name matches a reference identifier (DANE-14/15). */
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    /** DANE-TA: a certificate below the trust anchor is expired or not yet valid at the check time. */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** DANE-TA: the chain does not reach a TLSA-matched anchor with valid signatures and constraints. */
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted");

    private final String resultType;

    RptFailure(String resultType) {
        this.resultType = resultType;
    }

    /** The RFC 8460 {@code result-type} string. */
    public String resultType() {
        return resultType;
    }
}
