package dev.rampart.policy.dns;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous, DNSSEC-aware DNS lookups. Names are given in normalised form (see {@link DomainNames}).
 * Futures never complete exceptionally: every problem is a {@link DnsResult.Failure}. Callbacks may run
 * on resolver threads; callers must not block in them. Thread-safe.
 */
public interface DnsResolver {
    CompletableFuture<DnsResult<MxRecord>> mx(String domain);

    /** A and AAAA together; records in the order the configured address preference wants them. */
    CompletableFuture<DnsResult<InetAddress>> addresses(String host);

    /** TXT: each record's character-strings joined without separator. */
    CompletableFuture<DnsResult<String>> txt(String name);
}
