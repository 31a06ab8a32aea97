package dev.rampart.policy.decide;

/** RFC 8460 §4.4 {@code policy-type}. Immutable. */
public enum TlsRptPolicyType {
    TLSA("tlsa"),
    STS("sts"),
    NO_POLICY_FOUND("no-policy-found");

    private final String wireName;

    TlsRptPolicyType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
