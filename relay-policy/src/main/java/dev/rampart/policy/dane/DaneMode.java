package dev.rampart.policy.dane;

/**
 * How a DANE match authenticated the peer (RFC 7672 §3.1.1, §3.1.2); the delivery log shows it as
 * {@code tls=dane-ee} or {@code tls=dane-ta}.
 */
public enum DaneMode {
    /** DANE-EE(3): the leaf itself matched; no name or date checks (DANE-10). */
    EE("dane-ee"),
    /** DANE-TA(2): the leaf chains to a TLSA-matched trust anchor and carries a reference name (DANE-11). */
    TA("dane-ta");

    private final String logName;

    DaneMode(String logName) {
        this.logName = logName;
    }

    /** The value of the delivery log's {@code tls=} key. */
    public String logName() {
        return logName;
    }
}
