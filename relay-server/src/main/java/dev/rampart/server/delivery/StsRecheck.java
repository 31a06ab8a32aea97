package dev.rampart.server.delivery;

/**
 * QUE-16 (RFC 8461 §5, §5.1 step 3): asked before recipients whose last failure was an MTA-STS
 * {@code enforce} failure are bounced at expiry. It re-queries {@code _mta-sts.<policyDomain>} and, when
 * the id differs from the cached policy's, refetches; it answers true only when a new policy was fetched
 * and now governs the domain (then one more attempt is due). In the relay this is the MTA-STS service.
 * Blocks for up to a TXT lookup and a fetch; must be thread-safe.
 */
@FunctionalInterface
public interface StsRecheck {

    /** For a relay without MTA-STS: no policy ever changes. */
    StsRecheck NEVER = policyDomain -> false;

    boolean policyReplaced(String policyDomain) throws InterruptedException;
}
