package dev.rampart.policy.dns;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import dev.rampart.policy.dane.TlsaRecord;

/**
 * Fails closed while DNSSEC validation is known not to work (DNS-01, DNS-02). A resolver whose
 * validation is broken — a trust anchor that does not match, or in trust-ad mode an upstream that has
 * stopped validating — cannot tell a secure zone from an insecure one, so its "insecure" answers would
 * silently switch DANE off for every domain. While the self-check reports a problem, every answer that is
 * not SECURE becomes a {@link DnsResult.Failure} of kind BOGUS carrying that problem: the domain is deferred
 * (MX-05), the host skipped (MX-13, DANE-05), and nothing is delivered as if DANE were absent. SECURE
 * answers and failures pass unchanged; with validation healthy every answer passes unchanged.
 *
 * <p>The self-check itself must use the undecorated resolver. Thread-safe when the delegate and the
 * supplier are.
 *
 * @see DnssecSelfCheck
 */
public final class ValidationGatedResolver implements DnsResolver {
    private final DnsResolver delegate;
    private final Supplier<DnssecSelfCheck.Health> health;

    public ValidationGatedResolver(DnsResolver delegate, Supplier<DnssecSelfCheck.Health> health) {
        this.delegate = delegate;
        this.health = health;
    }

    @Override
    public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
        return delegate.mx(domain).thenApply(this::gate);
    }

    @Override
    public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
        return delegate.addresses(host).thenApply(this::gate);
    }

    @Override
    public CompletableFuture<DnsResult<String>> txt(String name) {
        return delegate.txt(name).thenApply(this::gate);
    }

    @Override
    public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
        return delegate.tlsa(name).thenApply(this::gate);
    }

    private <T> DnsResult<T> gate(DnsResult<T> result) {
        DnssecStatus status = switch (result) {
            case DnsResult.Records<T> r -> r.status();
            case DnsResult.NoData<T> n -> n.status();
            case DnsResult.NxDomain<T> n -> n.status();
            case DnsResult.Failure<T> f -> DnssecStatus.SECURE; // already a lookup error: nothing to gate
        };
        if (status == DnssecStatus.SECURE) {
            return result;
        }
        DnssecSelfCheck.Health h = health.get();
        if (h.ok()) {
            return result;
        }
        return new DnsResult.Failure<>(DnsResult.FailureKind.BOGUS,
                "DNSSEC validation is not working (" + h.reason() + "); an unvalidated answer is not trusted");
    }
}
