package dev.rampart.policy.dns;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link DnsResolver} on top of an injected dnsjava {@link Resolver} (a plain stub today, a
 * {@code ValidatingResolver} once in-process validation arrives). Each (name, type) question goes through
 * {@link CnameChasingQuery}; its DNSSEC status is judged per response by {@link ResponseSecurity}.
 *
 * <p>Answers are cached per (name, type) in a Caffeine cache driven by the injected clock (DNS-06):
 * answers for the minimum TTL of the chain (capped), NXDOMAIN/NODATA for the SOA negative TTL (capped),
 * failures for {@link ResolverSettings#failureTtl()} (never above 60 s). Concurrent identical questions
 * share one upstream query.
 *
 * <p>Thread-safe. Futures never complete exceptionally; continuations run on the injected executor.
 */
public final class DnsjavaResolver implements DnsResolver {

    private record Key(Name name, int type) {}

    private final CnameChasingQuery query;
    private final ResolverSettings settings;
    private final AsyncCache<Key, RRsetAnswer> cache;

    /**
     * Builds the resolver for a list of upstream servers, or for the system resolver configuration
     * ({@code /etc/resolv.conf} and friends) when the list is empty.
     */
    public DnsjavaResolver(List<InetSocketAddress> servers, ResolverSettings settings, InstantSource clock,
                           Executor executor) {
        this(upstream(servers, settings.timeout()), settings, clock, executor);
    }

    /**
     * Builds the resolver over any dnsjava resolver, e.g. a {@code ValidatingResolver} wrapping the
     * upstream. That resolver owns its own retries; {@link ResolverSettings#timeout()} still bounds each
     * question here, so with a validator it must leave room for the DS/DNSKEY queries validation adds.
     */
    public DnsjavaResolver(Resolver upstream, ResolverSettings settings, InstantSource clock, Executor executor) {
        Objects.requireNonNull(upstream);
        this.settings = Objects.requireNonNull(settings);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(executor);
        this.query = new CnameChasingQuery(upstream, new ResponseSecurity(settings.trustAd()), settings.timeout(),
                settings.trustAd(), executor);
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.maxEntries())
                .expireAfter(new AnswerExpiry(settings))
                .ticker(ticker(clock))
                .executor(executor)
                .buildAsync();
    }

    /**
     * The dnsjava resolver for a server list: one server is asked directly, several through an
     * {@link ExtendedResolver} that shares the timeout between them. Empty list: system configuration.
     */
    public static Resolver upstream(List<InetSocketAddress> servers, Duration timeout) {
        List<InetSocketAddress> list = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers configured and none found in the system configuration");
        }
        if (list.size() == 1) {
            SimpleResolver single = new SimpleResolver(list.get(0));
            single.setTimeout(timeout);
            return single;
        }
        List<Resolver> each = new ArrayList<>();
        Duration share = timeout.dividedBy(list.size());
        for (InetSocketAddress server : list) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(share);
            each.add(r);
        }
        ExtendedResolver extended = new ExtendedResolver(each);
        extended.setTimeout(timeout);
        extended.setRetries(1);
        return extended;
    }

    @Override
    public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
        return lookup(domain, Type.MX, DnsjavaResolver::mxRecord);
    }

    @Override
    public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
        CompletableFuture<DnsResult<InetAddress>> v4 = lookup(host, Type.A, r -> ((ARecord) r).getAddress());
        CompletableFuture<DnsResult<InetAddress>> v6 = lookup(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
        return v4.thenCombine(v6, (a, b) -> AddressMerger.merge(a, b, settings.preference()));
    }

    @Override
    public CompletableFuture<DnsResult<String>> txt(String name) {
        return lookup(name, Type.TXT, DnsjavaResolver::txtString);
    }

    private <T> CompletableFuture<DnsResult<T>> lookup(String name, int type, Function<Record, T> convert) {
        Optional<Name> parsed = dnsName(name);
        if (parsed.isEmpty()) {
            return CompletableFuture.completedFuture(
                    new DnsResult.Failure<>(FailureKind.MALFORMED, "not a valid domain name: '" + name + "'"));
        }
        return cache.get(new Key(parsed.get(), type), (key, ignored) -> query.ask(key.name(), key.type()))
                .thenApply(answer -> publish(answer, convert))
                .exceptionally(e -> new DnsResult.Failure<>(FailureKind.SERVFAIL, "lookup of " + name + " failed: " + e));
    }

    private static <T> DnsResult<T> publish(RRsetAnswer answer, Function<Record, T> convert) {
        return switch (answer) {
            case RRsetAnswer.Data d -> {
                List<T> out = new ArrayList<>(d.records().size());
                for (Record r : d.records()) {
                    out.add(convert.apply(r));
                }
                yield new DnsResult.Records<>(out, d.status(), d.canonicalName(), Duration.ofSeconds(d.ttlSeconds()));
            }
            case RRsetAnswer.NoData n -> new DnsResult.NoData<>(n.status(), n.canonicalName());
            case RRsetAnswer.NxDomain n -> new DnsResult.NxDomain<>(n.status(), n.canonicalName());
            case RRsetAnswer.Failed f -> new DnsResult.Failure<>(f.kind(), f.reason());
        };
    }

    private static Optional<Name> dnsName(String name) {
        Optional<String> normal = DomainNames.normalizeLookupName(name);
        if (normal.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Name.fromString(normal.get(), Name.root));
        } catch (TextParseException e) {
            return Optional.empty();
        }
    }

    /** MX-01: exchange in normalised form; the null MX target "." becomes "" (RFC 7505). */
    static MxRecord mxRecord(Record r) {
        MXRecord mx = (MXRecord) r;
        Name target = mx.getTarget();
        if (target.equals(Name.root)) {
            return new MxRecord(mx.getPriority(), "");
        }
        String text = CnameChasingQuery.text(target);
        // A target that does not normalise stays as received (lower case) so the planner can skip it by name.
        return new MxRecord(mx.getPriority(), DomainNames.normalize(text).orElse(text.toLowerCase(Locale.ROOT)));
    }

    /** The character-strings of one TXT RR joined without separator (RFC 8461 §3.1, RFC 8460 §3). */
    static String txtString(Record r) {
        StringBuilder joined = new StringBuilder();
        for (byte[] s : ((TXTRecord) r).getStringsAsByteArrays()) {
            joined.append(new String(s, StandardCharsets.UTF_8));
        }
        return joined.toString();
    }

    private static Ticker ticker(InstantSource clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /** Per-entry lifetime from the answer itself (DNS-06). */
    private record AnswerExpiry(ResolverSettings settings) implements Expiry<Key, RRsetAnswer> {
        @Override
        public long expireAfterCreate(Key key, RRsetAnswer answer, long currentTime) {
            Duration life = switch (answer) {
                case RRsetAnswer.Data d -> cap(d.ttlSeconds(), settings.maxPositiveTtl());
                case RRsetAnswer.NoData n -> cap(n.ttlSeconds(), settings.maxNegativeTtl());
                case RRsetAnswer.NxDomain n -> cap(n.ttlSeconds(), settings.maxNegativeTtl());
                case RRsetAnswer.Failed f -> settings.failureTtl();
            };
            return life.toNanos();
        }

        @Override
        public long expireAfterUpdate(Key key, RRsetAnswer answer, long currentTime, long currentDuration) {
            return expireAfterCreate(key, answer, currentTime);
        }

        @Override
        public long expireAfterRead(Key key, RRsetAnswer answer, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private static Duration cap(long seconds, Duration max) {
            Duration d = Duration.ofSeconds(Math.max(0, seconds));
            return d.compareTo(max) <= 0 ? d : max;
        }
    }
}
