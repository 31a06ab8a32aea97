package dev.rampart.policy.decide;

/**
 * The operator's TLS level for one next-hop domain, from the policy map (POL-10). Today only the DANE
 * levels exist; {@code none}, {@code may}, {@code encrypt} and {@code secure} (with its match names) arrive
 * with MTA-STS support as further records here, and every exhaustive switch over this type then tells the
 * compiler where they must be handled. Immutable.
 */
public sealed interface ManualPolicy {

    /** The default: DANE where the domain publishes secure TLSA, else the discovered policy (RFC 7672 §6). */
    record Dane() implements ManualPolicy {}

    /**
     * DANE-16: DANE is mandatory. An insecure MX RRset defers the domain; a host without usable secure TLSA
     * is skipped; both are recorded as {@code dane-required} (RFC 8460 §4.3.2.1).
     */
    record DaneOnly() implements ManualPolicy {}

    ManualPolicy DANE = new Dane();
    ManualPolicy DANE_ONLY = new DaneOnly();

    /** The keyword used in the policy map file. */
    default String keyword() {
        return switch (this) {
            case Dane d -> "dane";
            case DaneOnly d -> "dane-only";
        };
    }
}
