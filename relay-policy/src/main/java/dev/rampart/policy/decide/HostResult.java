package dev.rampart.policy.decide;

import java.util.Objects;

/**
 * How the attempt on one MX host ended, as far as the domain-level {@link Verdict} cares. The delivery
 * code classifies sessions into these; per-recipient replies inside a transaction are not its concern.
 * Immutable.
 */
public sealed interface HostResult {

    String hostName();

    /** Every way a host can fail to take the message. */
    sealed interface Failed extends HostResult {
        /** RFC 3463 status this failure stands for. */
        String status();

        /** Precise and loggable. */
        String reason();
    }

    /** The plan said not to connect (rows 5, 7, 9, 10). */
    record Skipped(HostPlan.Skip plan) implements Failed {
        public Skipped {
            Objects.requireNonNull(plan);
        }

        @Override
        public String hostName() {
            return plan.hostName();
        }

        @Override
        public String status() {
            return plan.status();
        }

        @Override
        public String reason() {
            return plan.reason();
        }
    }

    /** A mail transaction took place with this host: the message was handed over (or refused per recipient). */
    record Transacted(String hostName) implements HostResult {
        public Transacted {
            Objects.requireNonNull(hostName);
        }
    }

    /**
     * A TLS policy could not be met: STARTTLS missing or refused, handshake failure, no TLSA match, a
     * connection dropped after STARTTLS under required TLS (DANE-07, POL-05). Counts as 4.7.5.
     *
     * @param reason precise, e.g. {@code no TLSA record matched: leaf SPKI sha256 ab12…}
     */
    record PolicyFailed(String hostName, String reason) implements Failed {
        public PolicyFailed {
            Objects.requireNonNull(hostName);
            Objects.requireNonNull(reason);
        }

        @Override
        public String status() {
            return PolicyDecider.POLICY_STATUS;
        }
    }

    /**
     * A message tagged REQUIRETLS could not go to this host (row 21, POL-09, RFC 8689 §4.2.1): the host's
     * plan gives no authenticated TLS path ({@link RequireTlsRule#NO_TLS}), or the server did not announce
     * REQUIRETLS after STARTTLS ({@link RequireTlsRule#NO_REQUIRETLS}). Permanent for this message only:
     * when every host ends like this the message bounces ({@link RequireTlsRule#bounce}).
     *
     * @param status 5.7.10 or 5.7.30 (RFC 8689 §5)
     */
    record RequireTlsRefused(String hostName, String status, String reason) implements Failed {
        public RequireTlsRefused {
            Objects.requireNonNull(hostName);
            Objects.requireNonNull(status);
            Objects.requireNonNull(reason);
        }
    }

    /**
     * The host could not be used for a reason that is not policy: refused or timed-out connections, a 4xx
     * greeting, a session broken before MAIL (QUE-09).
     *
     * @param status RFC 3463 status for this failure, e.g. 4.4.1 (no answer) or 4.4.2 (bad connection)
     */
    record Unreachable(String hostName, String status, String reason) implements Failed {
        public Unreachable {
            Objects.requireNonNull(hostName);
            Objects.requireNonNull(status);
            Objects.requireNonNull(reason);
        }
    }
}
