package dev.rampart.server.delivery;

import dev.rampart.server.sts.StsOutcome;
import java.util.concurrent.CompletableFuture;

/**
 * The MTA-STS policy that governs mail to a policy domain (the next-hop domain, STS-05): the
 * {@code _mta-sts} TXT lookup and the policy cache; in the relay this is {@code StsService::lookup}.
 * Expected never to complete exceptionally, but the planner treats a lookup that throws or fails as "no
 * policy" all the same, so that a broken lookup never fails a plan. Thread-safe.
 */
@FunctionalInterface
public interface MtaStsLookup {

    /** MTA-STS switched off: every domain is "not looked up". */
    MtaStsLookup OFF = domain -> CompletableFuture.completedFuture(
            StsOutcome.notLookedUp(domain, "MTA-STS not configured"));

    CompletableFuture<StsOutcome> lookup(String policyDomain);
}
