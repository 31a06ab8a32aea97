package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DnssecStatus;
import java.util.Objects;

/**
 * The per-domain facts every host decision of one delivery attempt shares (POL-01 steps 1–3).
 *
 * @param nextHop         the next-hop domain, normalised (MX-01)
 * @param nextHopExpanded where the MX lookup ended after following CNAMEs at the domain (MX-03); equal to
 *                        {@code nextHop} when there was no alias. Used for DANE-TA reference ids (DANE-14)
 * @param manual          the policy map level for this domain ({@link ManualPolicy#DANE} without an entry)
 * @param mxStatus        DNSSEC status of the whole MX answer, CNAME chain included (DNS-04); for an
 *                        implicit MX, the status of the denial of the MX RRset
 * @param implicitMx      the domain had no MX and is its own mail host (MX-06)
 * @param sts             MTA-STS facts; {@link StsFacts#ABSENT} for now
 */
public record DomainFacts(String nextHop, String nextHopExpanded, ManualPolicy manual, DnssecStatus mxStatus,
                          boolean implicitMx, StsFacts sts) {
    public DomainFacts {
        Objects.requireNonNull(nextHop);
        Objects.requireNonNull(nextHopExpanded);
        Objects.requireNonNull(manual);
        Objects.requireNonNull(mxStatus);
        Objects.requireNonNull(sts);
    }

    /** The MX RRset counts as secure only when validated as such; indeterminate is bogus (DNS-02). */
    public boolean mxSecure() {
        return mxStatus == DnssecStatus.SECURE;
    }
}
