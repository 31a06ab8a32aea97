package dev.rampart.policy.decide;

/**
 * Which policy governs a session, for the delivery log ({@code policy=}) and metrics. MTA-STS and the
 * manual levels arrive as further constants.
 */
public enum AppliedPolicy {
    /** No policy applied: opportunistic TLS. Never logged as secure to the domain (MX-15). */
    NONE("none"),
    /** DANE (RFC 7672): usable TLSA, or TLSA present but all unusable (TLS required, unauthenticated). */
    DANE("dane");

    private final String logName;

    AppliedPolicy(String logName) {
        this.logName = logName;
    }

    public String logName() {
        return logName;
    }
}
