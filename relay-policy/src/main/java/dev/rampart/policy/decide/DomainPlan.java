package dev.rampart.policy.decide;

import dev.rampart.policy.dns.MxHost;
import java.util.List;
import java.util.Objects;

/**
 * What to do with a next-hop domain before any host is contacted (POL-01 steps 1–3). Built by
 * {@link PolicyDecider#decideDomain}. Immutable.
 */
public sealed interface DomainPlan {

    /**
     * Decide each host in order with {@link PolicyDecider#decideHost}, after its TLSA lookup (see
     * {@link TlsaBase}); the order is the MX order and is never changed for security (MX-10).
     */
    record TryHosts(DomainFacts facts, List<MxHost> hosts) implements DomainPlan {
        public TryHosts {
            Objects.requireNonNull(facts);
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("no hosts to try");
            }
        }
    }

    /**
     * Defer the whole domain without connecting: an MX lookup error (row 8, 4.4.3) or {@code dane-only}
     * with an insecure MX RRset (row 5, 4.7.5). {@code skippedHosts} are the per-host skips TLS-RPT counts
     * as failed sessions (RPT-01, row 5); empty for row 8.
     */
    record Defer(String status, String reason, List<HostPlan.Skip> skippedHosts) implements DomainPlan {
        public Defer {
            Objects.requireNonNull(status);
            Objects.requireNonNull(reason);
            skippedHosts = List.copyOf(skippedHosts);
        }
    }

    /** A permanent failure found by MX resolution (5.1.2, 5.1.10, 5.4.4, 5.4.6, 5.1.3): bounce. */
    record Fail(String status, String reason) implements DomainPlan {
        public Fail {
            Objects.requireNonNull(status);
            Objects.requireNonNull(reason);
        }
    }
}
