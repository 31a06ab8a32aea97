package dev.rampart.server.delivery;

import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ShadowPlan;
import dev.rampart.policy.decide.ShadowPlans;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.config.RampartConfig;
import java.util.List;
import java.util.Objects;

/**
 * Whether one delivery attempt enforces the TLS policy of its host plans, and if not, how it relaxes
 * them (the pure functions of {@link ShadowPlans}). Decided per message:
 * <ul>
 *   <li>REQUIRETLS (RFC 8689) always enforces: the sender's demand is never relaxed, not even in shadow
 *       mode (POL-09, row 21);</li>
 *   <li>{@code TLS-Required: No} ignores DANE and MTA-STS failures, records nothing for TLS-RPT and
 *       counts no would-block (row 20, POL-08), in either enforcement mode;</li>
 *   <li>otherwise {@code tls.enforcement} decides: {@code enforce}, or {@code shadow} (relax, evaluate
 *       what enforcement demanded, log and count what it would have blocked).</li>
 * </ul>
 */
enum Relaxation {
    ENFORCE,
    SHADOW,
    TLS_OPTIONAL;

    static Relaxation of(RampartConfig.Enforcement enforcement, TlsTag tag) {
        return switch (tag) {
            case REQUIRE_TLS -> ENFORCE;
            case TLS_OPTIONAL -> TLS_OPTIONAL;
            case DEFAULT -> switch (enforcement) {
                case ENFORCE -> ENFORCE;
                case SHADOW -> SHADOW;
            };
        };
    }

    /** What to do with one MX host whose plan was decided as under enforcement. */
    HostStep step(HostPlan plan) {
        return switch (this) {
            case ENFORCE -> switch (plan) {
                case HostPlan.Skip skip -> new HostStep.Skip(skip);
                case HostPlan.Connect connect -> new HostStep.Connect(connect);
            };
            case SHADOW -> new HostStep.Shadowed(ShadowPlans.relax(plan));
            case TLS_OPTIONAL -> new HostStep.Connect(ShadowPlans.ignoringFailures(plan));
        };
    }

    /** The hosts of a deferred domain still worth a connection: none when enforcing (rows 5 and 8 defer). */
    List<HostPlan.Skip> hostsToTry(DomainPlan.Defer defer) {
        return switch (this) {
            case ENFORCE -> List.of();
            case SHADOW, TLS_OPTIONAL -> ShadowPlans.hostsToTry(defer);
        };
    }

    /** One host of one attempt: no connection, a connection under a plan, or a shadow-mode connection. */
    sealed interface HostStep {
        record Skip(HostPlan.Skip plan) implements HostStep {
            public Skip {
                Objects.requireNonNull(plan);
            }
        }

        /** A host that gets sessions, under {@link #plan()}. */
        sealed interface Connecting extends HostStep {
            HostPlan.Connect plan();
        }

        /** Connect under {@code plan} as it is (enforced, or relaxed for {@code TLS-Required: No}). */
        record Connect(HostPlan.Connect plan) implements Connecting {
            public Connect {
                Objects.requireNonNull(plan);
            }
        }

        /** Connect under the relaxed plan, then evaluate what enforcement would have demanded. */
        record Shadowed(ShadowPlan shadow) implements Connecting {
            public Shadowed {
                Objects.requireNonNull(shadow);
            }

            @Override
            public HostPlan.Connect plan() {
                return shadow.connect();
            }
        }
    }
}
