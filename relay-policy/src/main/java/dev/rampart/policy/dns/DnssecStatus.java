package dev.rampart.policy.dns;

/**
 * The DNSSEC status of an answer (RFC 4035 §4.3, RFC 7672 §2.1.1). INDETERMINATE is treated as BOGUS
 * wherever a decision depends on it (DNS-02).
 */
public enum DnssecStatus {
    SECURE, INSECURE, BOGUS, INDETERMINATE;

    /** Combines the statuses of two links of a CNAME chain (DNS-04): any non-secure link downgrades. */
    public DnssecStatus and(DnssecStatus other) {
        if (this == BOGUS || other == BOGUS) {
            return BOGUS;
        }
        if (this == INDETERMINATE || other == INDETERMINATE) {
            return INDETERMINATE;
        }
        if (this == INSECURE || other == INSECURE) {
            return INSECURE;
        }
        return SECURE;
    }
}
