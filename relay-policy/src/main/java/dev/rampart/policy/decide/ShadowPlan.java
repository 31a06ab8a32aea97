package dev.rampart.policy.decide;

import java.util.Objects;

/**
 * One MX host's plan as shadow mode acts on it ({@code tls.enforcement: shadow}): the opportunistic
 * {@link #connect()} the session really uses, and what enforcement would have demanded of it, for the
 * delivery code to evaluate on the real session. Built only by {@link ShadowPlans#relax}. Immutable.
 */
public sealed interface ShadowPlan {

    /** The plan the session is opened under: never requires TLS, never authenticates. */
    HostPlan.Connect connect();

    /** Nothing enforcement demands could stop this host (opportunistic rows 17, 18, 19): used as decided. */
    record AsPlanned(HostPlan.Connect connect) implements ShadowPlan {
        public AsPlanned {
            Objects.requireNonNull(connect);
            if (connect.requirement() == TlsRequirement.REQUIRED) {
                throw new IllegalArgumentException("a plan that requires TLS can block; relax it");
            }
        }
    }

    /**
     * Enforcement would not have contacted this host at all (rows 5, 7, 9, 11; DNSSEC-invalid address
     * data, DNS-02): any session shadow mode opens to it is one enforcement would have blocked, for
     * {@code enforced.reason()}.
     */
    record WouldSkip(HostPlan.Connect connect, HostPlan.Skip enforced) implements ShadowPlan {
        public WouldSkip {
            Objects.requireNonNull(connect);
            Objects.requireNonNull(enforced);
        }
    }

    /**
     * Enforcement would have skipped this host for a transient DNS failure (row 10: TLSA SERVFAIL, timeout
     * or malformed answer). That is not a policy decision, so it is not counted as a would-block; shadow
     * mode delivers as an opportunistic relay, which asks no TLSA question, would.
     */
    record LookupFailed(HostPlan.Connect connect, HostPlan.Skip enforced) implements ShadowPlan {
        public LookupFailed {
            Objects.requireNonNull(connect);
            Objects.requireNonNull(enforced);
        }
    }

    /**
     * Enforcement would have connected with these demands (rows 3, 4, 6, 12–16 and manual levels that
     * require TLS): STARTTLS and a completed handshake, then the {@code enforced} plan's
     * {@link Authentication} on the presented chain. Each unmet demand is a would-block.
     */
    record Demanding(HostPlan.Connect connect, HostPlan.Connect enforced) implements ShadowPlan {
        public Demanding {
            Objects.requireNonNull(connect);
            Objects.requireNonNull(enforced);
            if (enforced.requirement() != TlsRequirement.REQUIRED) {
                throw new IllegalArgumentException("only a plan that requires TLS makes demands");
            }
        }
    }
}
