package dev.rampart.policy.decide;

/**
 * Which policy governs a session, for the delivery log ({@code policy=}) and metrics.
 */
public enum AppliedPolicy {
    /** No policy applied: opportunistic TLS. Never logged as secure to the domain (MX-15). */
    NONE("none"),
    /** DANE (RFC 7672): usable TLSA, or TLSA present but all unusable (TLS required, unauthenticated). */
    DANE("dane"),
    /**
     * MTA-STS (RFC 8461), logged as {@code mta-sts}: a policy in {@code enforce} or {@code testing} mode
     * decided the host's plan and DANE did not (rows 14, 16, 17). Row 15 stays {@link #DANE}: DANE
     * requires the TLS there and MTA-STS only audits.
     */
    MTA_STS("mta-sts"),
    /**
     * A manual policy map level that replaces discovery ({@code none}, {@code may}, {@code encrypt},
     * {@code secure}; rows 1–4 and 19), logged as {@code manual}. {@code dane-only} is not this: DANE
     * still decides there and it keeps its own label.
     */
    MANUAL("manual");

    private final String logName;

    AppliedPolicy(String logName) {
        this.logName = logName;
    }

    public String logName() {
        return logName;
    }
}
