package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.dns.MxResolution;
import java.util.List;
import java.util.Objects;

/**
 * What {@link MxPlanner} wants next: either the resolution is decided, or some DNS facts are missing.
 * The I/O caller fetches exactly those facts and hands them back. Immutable.
 */
public sealed interface MxStep {

    /** Nothing more to ask. */
    record Decided(MxResolution resolution) implements MxStep {
        public Decided {
            Objects.requireNonNull(resolution);
        }
    }

    /** Ask for the MX RRset of {@code domain} (normalised), then call {@link MxPlanner#afterMx}. */
    record QueryMx(String domain) implements MxStep {
        public QueryMx {
            Objects.requireNonNull(domain);
        }
    }

    /**
     * Resolve the addresses of every candidate exchange (concurrently), then call {@link MxPlanner#finish}.
     *
     * @param candidates exchanges still in play, best preference first, each name once
     * @param implicit   the domain had no MX; the single candidate is the domain itself (MX-06)
     * @param skipped    exchanges already dropped and why (null MX among real ones, IP strings, our name)
     * @param selfCut    lowest preference at which our own name was listed (MX-11), or {@code Integer.MAX_VALUE}
     */
    record ResolveHosts(String domain, DnssecStatus mxStatus, boolean implicit, List<MxRecord> candidates,
                        List<String> skipped, int selfCut) implements MxStep {
        public ResolveHosts {
            Objects.requireNonNull(domain);
            Objects.requireNonNull(mxStatus);
            candidates = List.copyOf(candidates);
            skipped = List.copyOf(skipped);
        }

        /** The distinct host names whose addresses are needed. */
        public List<String> hostNames() {
            return candidates.stream().map(MxRecord::exchange).distinct().toList();
        }
    }
}
