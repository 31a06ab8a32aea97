package dev.rampart.policy.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges the separate A and AAAA answers for one host into the single answer
 * {@link DnsResolver#addresses(String)} promises. Pure, thread-safe.
 *
 * <p>Rules, in order:
 * <ul>
 *   <li>Both families answered (records or negative): the status is the combination of both answers,
 *       because together they are the host's address answer (DNS-05 looks at it as a whole).</li>
 *   <li>One family failed, the other has records: the records are returned with the status of the answer
 *       they came from. The failed family contributes no address, so it cannot weaken the ones returned;
 *       connecting to a validated address is as safe as it was before the other question failed.</li>
 *   <li>No records at all: NXDOMAIN if either says so, NODATA if both say so; a failure on either side
 *       makes the whole answer that failure, since "no address" would then be a guess.</li>
 * </ul>
 */
public final class AddressMerger {
    private AddressMerger() {}

    public static DnsResult<InetAddress> merge(DnsResult<InetAddress> v4, DnsResult<InetAddress> v6,
                                               AddressPreference preference) {
        if (v4 instanceof DnsResult.Records<InetAddress> a && v6 instanceof DnsResult.Records<InetAddress> b) {
            return new DnsResult.Records<>(order(a.records(), b.records(), preference), a.status().and(b.status()),
                    a.canonicalName(), min(a.ttl(), b.ttl()));
        }
        if (v4 instanceof DnsResult.Records<InetAddress> a) {
            return withOther(a, v6);
        }
        if (v6 instanceof DnsResult.Records<InetAddress> b) {
            return withOther(b, v4);
        }
        if (v4 instanceof DnsResult.Failure<InetAddress> f) {
            return f;
        }
        if (v6 instanceof DnsResult.Failure<InetAddress> f) {
            return f;
        }
        DnssecStatus status = status(v4).and(status(v6));
        if (v4 instanceof DnsResult.NxDomain<InetAddress> n) {
            return new DnsResult.NxDomain<>(status, n.canonicalName());
        }
        if (v6 instanceof DnsResult.NxDomain<InetAddress> n) {
            return new DnsResult.NxDomain<>(status, n.canonicalName());
        }
        return new DnsResult.NoData<>(status, canonical(v4));
    }

    private static DnsResult<InetAddress> withOther(DnsResult.Records<InetAddress> records, DnsResult<InetAddress> other) {
        return switch (other) {
            case DnsResult.Records<InetAddress> r -> throw new IllegalStateException("both have records: " + r);
            case DnsResult.NoData<InetAddress> n -> new DnsResult.Records<>(records.records(),
                    records.status().and(n.status()), records.canonicalName(), records.ttl());
            case DnsResult.NxDomain<InetAddress> n -> new DnsResult.Records<>(records.records(),
                    records.status().and(n.status()), records.canonicalName(), records.ttl());
            case DnsResult.Failure<InetAddress> f -> records;
        };
    }

    /** Orders the two families as the preference asks; each family keeps the resolver's order. */
    static List<InetAddress> order(List<InetAddress> v4, List<InetAddress> v6, AddressPreference preference) {
        List<InetAddress> out = new ArrayList<>(v4.size() + v6.size());
        switch (preference) {
            case IPV4_FIRST -> {
                out.addAll(v4);
                out.addAll(v6);
            }
            case IPV6_FIRST -> {
                out.addAll(v6);
                out.addAll(v4);
            }
            case RESOLVER_ORDER -> {
                for (int i = 0; i < Math.max(v4.size(), v6.size()); i++) {
                    if (i < v6.size()) {
                        out.add(v6.get(i));
                    }
                    if (i < v4.size()) {
                        out.add(v4.get(i));
                    }
                }
            }
        }
        return out;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static DnssecStatus status(DnsResult<InetAddress> r) {
        return switch (r) {
            case DnsResult.Records<InetAddress> x -> x.status();
            case DnsResult.NoData<InetAddress> x -> x.status();
            case DnsResult.NxDomain<InetAddress> x -> x.status();
            case DnsResult.Failure<InetAddress> x -> DnssecStatus.INDETERMINATE;
        };
    }

    private static String canonical(DnsResult<InetAddress> r) {
        return switch (r) {
            case DnsResult.Records<InetAddress> x -> x.canonicalName();
            case DnsResult.NoData<InetAddress> x -> x.canonicalName();
            case DnsResult.NxDomain<InetAddress> x -> x.canonicalName();
            case DnsResult.Failure<InetAddress> x -> "";
        };
    }
}
