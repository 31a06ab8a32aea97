package dev.rampart.policy.dns;

import dev.rampart.policy.dane.TlsaRecord;
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

    /**
     * TLSA at a name such as {@code _25._tcp.mx.example.com} (RFC 6698, RFC 7672 §3). A CNAME at that name
     * is followed; the result's canonical name tells where the chain ended (DANE-04), and its status
     * covers every link (DNS-04).
     */
    CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name);
}
