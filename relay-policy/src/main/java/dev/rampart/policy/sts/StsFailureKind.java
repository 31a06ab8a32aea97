package dev.rampart.policy.sts;

/**
 * Why no fresh policy could be had, in the words of the TLS-RPT result types (RFC 8460 §4.3.2.2). Closed
 * set.
 */
public enum StsFailureKind {
    /** Unreachable, non-200, redirect, timeout, body too large (STS-07, STS-09). */
    FETCH_ERROR("sts-policy-fetch-error"),
    /** Syntax or semantics of the policy, or a media type other than text/plain (STS-08, STS-12). */
    POLICY_INVALID("sts-policy-invalid"),
    /** The policy host's certificate failed PKIX or the name check (STS-06). */
    WEBPKI_INVALID("sts-webpki-invalid");

    private final String resultType;

    StsFailureKind(String resultType) {
        this.resultType = resultType;
    }

    /** The RFC 8460 {@code result-type} string. */
    public String resultType() {
        return resultType;
    }
}
