package dev.rampart.server.admin;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.policy.sts.fetch.StsPolicyCache;
import dev.rampart.policy.sts.fetch.StsPolicySource;
import dev.rampart.server.sts.StsService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * A real {@link StsService} over a real {@link StsPolicyCache} in a directory, with the two outside inputs
 * faked in process: {@code _mta-sts} TXT answers ({@link #txt}) and policy fetches ({@link #policies}), and
 * a clock the test moves ({@link #now}). Thread-safe maps, so the admin server's workers see changes.
 */
public final class StsFixture {
    public final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    public final Map<String, StsFetchResult> policies = new ConcurrentHashMap<>();
    public final List<String> fetched = new CopyOnWriteArrayList<>();
    public final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T12:00:00Z"));
    public final InstantSource clock = () -> now.get();
    public final StsPolicyCache cache;
    public final StsService service;
    /** TXT answers from {@link #txt}, for any part that looks records up (MTA-STS, TLS-RPT). */
    public final DnsResolver dns = new TxtOnly();

    public StsFixture(Path dir) {
        this(dir, true);
    }

    /** @param enabled {@code mta-sts.enabled} */
    public StsFixture(Path dir, boolean enabled) {
        StsPolicySource source = domain -> {
            fetched.add(domain);
            return policies.getOrDefault(domain, new StsFetchResult.Failed(StsFailureKind.FETCH_ERROR,
                    "HTTP 404 from mta-sts." + domain));
        };
        try {
            cache = new StsPolicyCache(dir.resolve("mta-sts"), source, clock, () -> 0L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        service = new StsService(dns, cache, Runnable::run, enabled);
    }

    /** A policy the fake web server serves for {@code domain}. */
    public static StsFetchResult policy(String mode, long maxAge, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\nmode: " + mode + "\n");
        for (String m : mx) {
            text.append("mx: ").append(m).append('\n');
        }
        text.append("max_age: ").append(maxAge).append('\n');
        return new StsFetchResult.Fetched(((StsPolicyResult.Valid) StsPolicyParser.parse(text.toString())).policy(),
                text.toString());
    }

    /** Publishes {@code v=STSv1; id=ID} at {@code _mta-sts.domain}. */
    public void publish(String domain, String id) {
        txt.put("_mta-sts." + domain, List.of("v=STSv1; id=" + id));
    }

    /** Answers TXT from {@link #txt} (NXDOMAIN otherwise); nothing else is asked of it. */
    private final class TxtOnly implements DnsResolver {
        @Override
        public CompletableFuture<DnsResult<String>> txt(String name) {
            List<String> records = txt.get(name);
            return CompletableFuture.completedFuture(records == null
                    ? new DnsResult.NxDomain<>(DnssecStatus.INSECURE, name)
                    : new DnsResult.Records<>(records, DnssecStatus.INSECURE, name, Duration.ofHours(1)));
        }

        @Override
        public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("MX"));
        }

        @Override
        public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("addresses"));
        }

        @Override
        public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("TLSA"));
        }
    }
}
