package dev.rampart.policy.decide;

import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicy;
import java.util.Objects;

/**
 * What MTA-STS says about a next-hop domain (RFC 8461), as far as the decision table needs it: rows 11 and
 * 14–18 of conformance §7 read it in {@link PolicyDecider#decideHost}. The delivery code builds it from the
 * policy cache before deciding any host (POL-01 step 3). Immutable.
 */
public sealed interface StsFacts {

    /** No MTA-STS policy applies: no {@code _mta-sts} TXT record and nothing cached (row 18). */
    record Absent() implements StsFacts {}

    /**
     * A valid policy, fresh or from the cache, governs the domain. Its mode decides: {@code enforce}
     * (rows 11, 14, 16), {@code testing} (rows 15, 17) or {@code none}, which counts as no policy at all
     * (STS-21: nothing enforced, nothing recorded as {@code sts}).
     *
     * @param policyDomain   the domain the policy was fetched for (the next-hop domain), the TLS-RPT
     *                       {@code policy-domain} (RPT-03)
     * @param refreshFailure set when a new policy could not be fetched just now and this cached one applies
     *                       instead: RPT-10 records the failure against the policy (mode other than none)
     */
    record Applied(StsPolicy policy, String policyDomain, java.util.Optional<StsFailureKind> refreshFailure)
            implements StsFacts {
        public Applied {
            Objects.requireNonNull(policy);
            Objects.requireNonNull(policyDomain);
            Objects.requireNonNull(refreshFailure);
        }

        /** A policy in use without a failed fetch behind it. */
        public Applied(StsPolicy policy, String policyDomain) {
            this(policy, policyDomain, java.util.Optional.empty());
        }

        public StsMode mode() {
            return policy.mode();
        }
    }

    /**
     * The TXT record announced a policy but none could be fetched or parsed and nothing usable is cached:
     * delivery goes on as row 18 (opportunistic), and TLS-RPT gets an extra {@code sts} failure entry of
     * {@code kind} (RFC 8460 §4.3.2.2).
     *
     * @param reason precise and loggable, e.g. {@code HTTP 404 from mta-sts.example.com}
     */
    record FetchFailed(StsFailureKind kind, String reason) implements StsFacts {
        public FetchFailed {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(reason);
        }
    }

    StsFacts ABSENT = new Absent();
}
