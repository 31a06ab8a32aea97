package dev.rampart.policy.decide;

import java.util.Objects;

/**
 * A failure detail the decision already knows before any connection (RFC 8460 §4.4): its result type
 * and an optional {@code failure-reason-code}. The recorder adds addresses and host names. Immutable.
 *
 * @param reasonCode short machine-friendly reason such as {@code all-unusable}; empty when there is none
 */
public record TlsRptFailure(TlsRptResultType resultType, String reasonCode) {
    public TlsRptFailure {
        Objects.requireNonNull(resultType);
        Objects.requireNonNull(reasonCode);
    }

    public static TlsRptFailure of(TlsRptResultType type) {
        return new TlsRptFailure(type, "");
    }
}
