package dev.rampart.policy.dns;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@link DnsResolver} on top of dnsjava. Each (name, type) question goes through {@link CnameChasingQuery};
 * its DNSSEC status is judged per response by {@link ResponseSecurity} according to the
 * {@link DnssecMode}: in VALIDATE mode the upstream is wrapped in dnsjava's {@code ValidatingResolver}
 * loaded with {@link TrustAnchors}, so statuses are computed here and not taken on trust (DNS-01).
 *
 * <p>Answers are cached per (name, type) in a Caffeine cache driven by the injected clock (DNS-06):
 * answers for the minimum TTL of the chain (capped), NXDOMAIN/NODATA for the SOA negative TTL (capped),
 * failures, bogus included, for {@link ResolverSettings#failureTtl()} (never above 60 s). Concurrent
 * identical questions share one upstream query.
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
     * ({@code /etc/resolv.conf} and friends) when the list is empty; in VALIDATE mode with the bundled
     * root trust anchors.
     *
     * @throws IllegalArgumentException in TRUST_AD mode when an upstream is not a loopback address
     */
    public DnsjavaResolver(List<InetSocketAddress> servers, ResolverSettings settings, InstantSource clock,
                           Executor executor) {
        this(servers, settings, TrustAnchors.bundledRoot(), clock, executor);
    }

    /**
     * Builds the resolver for a list of upstream servers (empty: the system configuration). In VALIDATE
     * mode the validator starts from {@code anchors}; the other modes ignore them.
     *
     * @throws IllegalArgumentException in TRUST_AD mode when an upstream is not a loopback address
     */
    public DnsjavaResolver(List<InetSocketAddress> servers, ResolverSettings settings, TrustAnchors anchors,
                           InstantSource clock, Executor executor) {
        this(secured(upstream(servers, settings.timeout(), settings.dnssec()), settings.dnssec(), anchors, clock),
                settings, clock, executor);
    }

    /**
     * Builds the resolver over any dnsjava resolver. The caller answers for it matching the mode: a
     * {@code ValidatingResolver} for VALIDATE, a validating resolver on a trusted path for TRUST_AD. That
     * resolver owns its own retries; {@link ResolverSettings#timeout()} still bounds each question here,
     * so with a validator it must leave room for the DS/DNSKEY queries validation adds.
     */
    public DnsjavaResolver(Resolver upstream, ResolverSettings settings, InstantSource clock, Executor executor) {
        Objects.requireNonNull(upstream);
        this.settings = Objects.requireNonNull(settings);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(executor);
        this.query = new CnameChasingQuery(upstream, new ResponseSecurity(settings.dnssec()), settings.timeout(),
                settings.dnssec() == DnssecMode.TRUST_AD, executor);
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
        return plain(effectiveServers(servers), timeout);
    }

    /**
     * Like {@link #upstream(List, Duration)}, refusing TRUST_AD over anything but loopback (DNS-01): the AD
     * bit says nothing when the path to the resolver can be tampered with (RFC 4035 §4.9.3, RFC 6698 §8).
     *
     * @throws IllegalArgumentException naming the first non-loopback server
     */
    public static Resolver upstream(List<InetSocketAddress> servers, Duration timeout, DnssecMode mode) {
        List<InetSocketAddress> list = effectiveServers(servers);
        if (mode == DnssecMode.TRUST_AD) {
            requireLoopback(list);
        }
        return plain(list, timeout);
    }

    /**
     * Checks that every server is a loopback address, as TRUST_AD requires. An empty list stands for the
     * system configuration, whose servers are checked instead.
     *
     * @throws IllegalArgumentException naming the first server that is not on loopback
     */
    public static void requireLoopback(List<InetSocketAddress> servers) {
        for (InetSocketAddress s : effectiveServers(servers)) {
            if (s.isUnresolved() || !s.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("DNSSEC mode trust-ad believes the AD bit, which is only safe from a "
                        + "validating resolver on loopback; " + s.getHostString() + ":" + s.getPort()
                        + " is not a loopback address (use validate)");
            }
        }
    }

    private static List<InetSocketAddress> effectiveServers(List<InetSocketAddress> servers) {
        List<InetSocketAddress> list = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers configured and none found in the system configuration");
        }
        return list;
    }

    private static Resolver plain(List<InetSocketAddress> list, Duration timeout) {
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

    /** In VALIDATE mode, wraps the upstream in dnsjava's validator, on the injected clock (signature times). */
    private static Resolver secured(Resolver upstream, DnssecMode mode, TrustAnchors anchors, InstantSource clock) {
        Objects.requireNonNull(anchors);
        return switch (mode) {
            case VALIDATE -> {
                ValidatingResolver validator = new ValidatingResolver(new UpstreamFailureGuard(upstream), clock(clock));
                anchors.loadInto(validator);
                yield validator;
            }
            case TRUST_AD, OFF -> upstream;
        };
    }

    private static Clock clock(InstantSource source) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return source.instant();
            }
        };
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

    /**
     * TLSA at {@code name} (e.g. {@code _25._tcp.mx.example.com}); a CNAME there is followed (DANE-04),
     * and the result's canonical name says where the chain ended.
     */
    @Override
    public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
        return lookup(name, Type.TLSA, DnsjavaResolver::tlsaRecord);
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

    /** The record's fields as published; usability is judged elsewhere (DANE-06). */
    static TlsaRecord tlsaRecord(Record r) {
        TLSARecord t = (TLSARecord) r;
        return new TlsaRecord(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                t.getCertificateAssociationData());
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
