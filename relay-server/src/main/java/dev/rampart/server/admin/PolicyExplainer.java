package dev.rampart.server.admin;

import dev.rampart.server.delivery.DestinationPlan;
import dev.rampart.server.delivery.ProbeReport;
import java.util.List;

/**
 * What {@code GET /api/policy/explain} needs from the relay: the same plan delivery would follow for a
 * next hop, and optionally a live probe of its hosts. Both block; the admin server calls them on its
 * worker threads, never on an event loop. Implementations are thread-safe.
 */
public interface PolicyExplainer {

    /**
     * Plans delivery to a normalised next-hop domain (or address literal) exactly as delivery does.
     *
     * @throws InterruptedException when interrupted while waiting for DNS
     */
    DestinationPlan plan(String nextHop) throws InterruptedException;

    /** Connects to each host the plan would use (EHLO, STARTTLS, handshake, QUIT; never MAIL). */
    List<ProbeReport> probe(DestinationPlan plan);
}
