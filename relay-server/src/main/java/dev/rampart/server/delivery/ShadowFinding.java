package dev.rampart.server.delivery;

import java.util.Objects;

/**
 * What shadow mode concluded about one session opened under a relaxed plan
 * ({@link dev.rampart.policy.decide.ShadowPlan}): enforcement would have let it through, would have
 * blocked it (logged at WARN and counted), or would only have deferred it for a transient DNS failure
 * (row 10, not a policy block). Immutable.
 */
public sealed interface ShadowFinding {

    /** Every demand of the enforced plan was met, or there was none. */
    record Met() implements ShadowFinding {}

    /** Enforcement would have blocked this session; {@code reason} is precise and loggable. */
    record WouldBlock(String reason) implements ShadowFinding {
        public WouldBlock {
            Objects.requireNonNull(reason);
        }
    }

    /** Enforcement would have skipped the host for a transient DNS failure; not a policy block. */
    record Ignored(String reason) implements ShadowFinding {
        public Ignored {
            Objects.requireNonNull(reason);
        }
    }

    ShadowFinding MET = new Met();
}
