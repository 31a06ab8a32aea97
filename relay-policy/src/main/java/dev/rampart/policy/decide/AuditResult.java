package dev.rampart.policy.decide;

import java.util.Objects;
import java.util.Optional;

/**
 * What a report-only check ({@link HostPlan.Connect#audit}: MTA-STS {@code testing}, rows 15 and 17,
 * STS-20) found on one session. It never changes how the session went; it is logged on the delivery line
 * and kept with the session for TLS-RPT, which records a {@link Failed} or {@link NoStarttls} as a failure
 * detail of the {@code sts} policy (RFC 8460 §4.3). Immutable.
 */
public sealed interface AuditResult {

    /** The keyword for the delivery log's {@code audit=} field; empty when there was nothing to audit. */
    String logValue();

    /** The TLS-RPT failure detail this result adds to the {@code sts} policy entry (RFC 8460 §4.3), if any. */
    default Optional<TlsRptFailure> rptFailure() {
        return switch (this) {
            case NotAudited n -> Optional.empty();
            case Passed p -> Optional.empty();
            case Failed f -> Optional.of(TlsRptFailure.of(f.resultType()));
            case NoStarttls s -> Optional.of(TlsRptFailure.of(TlsRptResultType.STARTTLS_NOT_SUPPORTED));
        };
    }

    /** The plan carried no report-only check. */
    record NotAudited() implements AuditResult {
        @Override
        public String logValue() {
            return "";
        }
    }

    /** The presented chain passed the check (PKIX to a trusted root, SAN dNSName = MX host, STS-18). */
    record Passed() implements AuditResult {
        @Override
        public String logValue() {
            return "passed";
        }
    }

    /**
     * The check failed; delivery went on regardless (STS-20).
     *
     * @param reason     precise and loggable, e.g. {@code certificate chain not trusted (PKIX): ...}
     * @param resultType {@code certificate-not-trusted}, {@code certificate-host-mismatch},
     *                   {@code certificate-expired}, or {@code validation-failure} for a failed handshake
     */
    record Failed(String reason, TlsRptResultType resultType) implements AuditResult {
        public Failed {
            Objects.requireNonNull(reason);
            Objects.requireNonNull(resultType);
        }

        @Override
        public String logValue() {
            return resultType.wireName();
        }
    }

    /**
     * STARTTLS was not offered or was refused, so the session ran in plaintext and nothing could be
     * checked: recorded as {@code starttls-not-supported} (RPT-06), delivered anyway (STS-20).
     */
    record NoStarttls(String reason) implements AuditResult {
        public NoStarttls {
            Objects.requireNonNull(reason);
        }

        @Override
        public String logValue() {
            return TlsRptResultType.STARTTLS_NOT_SUPPORTED.wireName();
        }
    }

    AuditResult NOT_AUDITED = new NotAudited();
    AuditResult PASSED = new Passed();
}
