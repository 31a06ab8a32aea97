package dev.rampart.policy.dns;

import java.util.List;
import java.util.Objects;

/**
 * Where mail for a next-hop domain goes (MX-01..MX-13), or why it cannot go anywhere.
 * Permanent outcomes carry the RFC 3463 status the bounce must use.
 */
public sealed interface MxResolution {

    /**
     * Hosts to try, in order (preference, equal preferences shuffled, MX-09). {@code implicit} when the
     * domain had no MX and its own address is used (MX-06). {@code skipped} lists hosts dropped and why
     * (MX-12, MX-13: lookups failed or no addresses), for logs and explain output.
     */
    record Hosts(String domain, List<MxHost> hosts, DnssecStatus mxStatus, boolean implicit, List<String> skipped)
            implements MxResolution {
        public Hosts {
            Objects.requireNonNull(domain);
            hosts = List.copyOf(hosts);
            Objects.requireNonNull(mxStatus);
            skipped = List.copyOf(skipped);
        }
    }

    /** A permanent failure: NXDOMAIN 5.1.2, null MX 5.1.10, no usable target 5.1.2/5.4.4, MX loops back to us 5.4.6. */
    record Permanent(String domain, String status, String reason) implements MxResolution {}

    /** A temporary failure: SERVFAIL, timeout, bogus, all targets failed to resolve (4.4.3). */
    record Temporary(String domain, String status, String reason) implements MxResolution {}
}
