package dev.rampart.policy.sts.fetch;

import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.DnsResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves the policy host through the relay's own {@link DnsResolver}, so that the fetch sees the same DNS
 * as delivery (and, in tests, the same loopback DNS server) rather than the JVM's system resolver. Blocks
 * for at most {@code timeout}; thread-safe.
 */
public final class DnsHostResolver implements HostResolver {
    private final DnsResolver dns;
    private final Duration timeout;

    public DnsHostResolver(DnsResolver dns, Duration timeout) {
        this.dns = Objects.requireNonNull(dns);
        this.timeout = Objects.requireNonNull(timeout);
    }

    @Override
    public List<InetAddress> resolve(String host) throws IOException {
        DnsResult<InetAddress> answer;
        try {
            answer = dns.addresses(host).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted resolving " + host);
        } catch (TimeoutException e) {
            throw new IOException("address lookup of " + host + " took longer than " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException("address lookup of " + host + " failed: " + e.getCause(), e.getCause());
        }
        return switch (answer) {
            case DnsResult.Records<InetAddress> r -> r.records();
            case DnsResult.NoData<InetAddress> n -> throw new UnknownHostException(host + " has no address (NODATA)");
            case DnsResult.NxDomain<InetAddress> n -> throw new UnknownHostException(host + " does not exist (NXDOMAIN)");
            case DnsResult.Failure<InetAddress> f -> throw new IOException("address lookup of " + host + " failed: "
                    + f.kind() + " " + f.reason());
        };
    }
}
