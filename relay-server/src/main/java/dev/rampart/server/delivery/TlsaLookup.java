package dev.rampart.server.delivery;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import java.util.concurrent.CompletableFuture;

/**
 * Asks for the TLSA RRset at one owner name such as {@code _25._tcp.mx.example.com}; in the relay this is
 * {@code DnsResolver::tlsa}. The future never completes exceptionally: every problem is a
 * {@link DnsResult.Failure} (DNS-03), which skips the host (DANE-05). Thread-safe.
 */
@FunctionalInterface
public interface TlsaLookup {
    CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name);
}
