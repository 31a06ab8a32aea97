package dev.rampart.policy.dns;

import java.util.concurrent.CompletableFuture;

/**
 * Resolves a next-hop domain (or an address literal such as {@code [192.0.2.1]}, MX-02) to the hosts to
 * try. Never completes exceptionally. Thread-safe.
 */
public interface MxLookup {
    CompletableFuture<MxResolution> resolve(String nextHop);
}
