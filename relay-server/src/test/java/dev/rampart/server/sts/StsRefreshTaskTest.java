package dev.rampart.server.sts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.policy.sts.fetch.StsPolicyCache;
import dev.rampart.policy.sts.fetch.StsPolicySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proactive refresh (STS-16) over a real persistent cache: a round refreshes exactly the policies
 * whose refresh time has come, counts each refresh, and removes expired policies; the clock is injected,
 * nothing sleeps. Also the lookup metric's bounded labels.
 */
class StsRefreshTaskTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Executor DIRECT = Runnable::run;

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final InstantSource clock = now::get;
    private final Map<String, String> txtIds = new ConcurrentHashMap<>();
    private final Map<String, StsFetchResult> policies = new ConcurrentHashMap<>();
    private final List<String> fetched = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private StsService service;
    private StsMetrics metrics;
    private StsRefreshTask task;

    /** TXT answers from {@link #txtIds}; nothing else is asked. */
    private final DnsResolver dns = new DnsResolver() {
        @Override
        public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
            throw new AssertionError("no MX lookups here");
        }

        @Override
        public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
            throw new AssertionError("no address lookups here");
        }

        @Override
        public CompletableFuture<DnsResult<String>> txt(String name) {
            String domain = name.substring("_mta-sts.".length());
            String id = txtIds.get(domain);
            return CompletableFuture.completedFuture(id == null ? new DnsResult.NxDomain<>(DnssecStatus.INSECURE, name)
                    : new DnsResult.Records<>(List.of("v=STSv1; id=" + id + ";"), DnssecStatus.INSECURE, name,
                            Duration.ofMinutes(5)));
        }

        @Override
        public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
            throw new AssertionError("no TLSA lookups here");
        }
    };

    private final StsPolicySource source = domain -> {
        fetched.add(domain);
        return policies.getOrDefault(domain, new StsFetchResult.Failed(StsFailureKind.FETCH_ERROR, "HTTP 404"));
    };

    private static StsFetchResult policy(String mx, long maxAge) {
        String text = "version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: " + maxAge + "\n";
        return new StsFetchResult.Fetched(((StsPolicyResult.Valid) StsPolicyParser.parse(text)).policy(), text);
    }

    @BeforeEach
    void build() throws Exception {
        StsPolicyCache cache = new StsPolicyCache(dir, source, clock, () -> 0L);
        service = new StsService(dns, cache, DIRECT, true);
        metrics = new StsMetrics(registry, service);
        task = new StsRefreshTask(service, DIRECT, 2, metrics);
    }

    private void cache(String domain, long maxAge) {
        txtIds.put(domain, "id1");
        policies.put(domain, policy("mx." + domain, maxAge));
        assertThat(metrics.counted(service.lookup(domain)).join().metricResult()).isEqualTo("fetch");
    }

    private double refreshes(String result) {
        var counter = registry.find("rampart.mta.sts.refresh").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aRoundRefreshesOnlyTheDuePoliciesAndCountsThemSts16() throws Exception {
        // Without jitter a policy is due at 0.9 × min(one day, ¾ max_age): 81 minutes for a two-hour policy,
        // 21.6 hours for a weekly one.
        cache("hourly.example", 7200);
        cache("weekly.example", 604_800);
        fetched.clear();
        assertThat(task.runOnce().refreshed()).isEmpty();
        assertThat(fetched).isEmpty();

        now.set(T0.plus(Duration.ofMinutes(90)));
        StsRefreshTask.Round round = task.runOnce();
        assertThat(round.refreshed()).containsExactly("hourly.example");
        assertThat(fetched).containsExactly("hourly.example");
        assertThat(refreshes("ok")).isEqualTo(1.0);
        assertThat(service.show("hourly.example").orElseThrow().fetchedAt()).isEqualTo(now.get());

        fetched.clear();
        assertThat(task.runOnce().refreshed()).as("just refreshed: not due again").isEmpty();
        now.set(T0.plus(Duration.ofHours(22)));
        assertThat(task.runOnce().refreshed()).containsExactly("weekly.example");
        assertThat(refreshes("ok")).isEqualTo(2.0);
    }

    @Test
    void aFailedRefreshKeepsThePolicyAndCountsAsFailedSts15Sts16() throws Exception {
        cache("flaky.example", 604_800);
        policies.put("flaky.example", new StsFetchResult.Failed(StsFailureKind.FETCH_ERROR, "HTTP 503"));
        now.set(T0.plus(Duration.ofHours(22)));
        StsRefreshTask.Round round = task.runOnce();
        assertThat(round.failed()).containsExactly("flaky.example");
        assertThat(refreshes("failed")).isEqualTo(1.0);
        assertThat(refreshes("ok")).isZero();
        assertThat(service.lookup("flaky.example").join().lookup()).isInstanceOf(StsLookup.Applied.class);
    }

    @Test
    void expiredPoliciesAreRemovedAndTheGaugeFollowsTheCache() throws Exception {
        cache("short.example", 3600);
        cache("long.example", 604_800);
        assertThat(registry.get("rampart.mta.sts.cached.policies").gauge().value()).isEqualTo(2.0);
        policies.remove("short.example");
        now.set(T0.plus(Duration.ofHours(2)));
        StsRefreshTask.Round round = task.runOnce();
        assertThat(round.expiredRemoved()).isEqualTo(1);
        assertThat(service.show("short.example")).isEmpty();
        assertThat(service.show("long.example")).isPresent();
        assertThat(registry.get("rampart.mta.sts.cached.policies").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void lookupsAreCountedByBoundedResultNeverByDomain() {
        cache("a.example", 604_800);
        metrics.counted(service.lookup("a.example")).join();
        metrics.counted(service.lookup("none.example")).join();
        txtIds.put("broken.example", "id1");
        metrics.counted(service.lookup("broken.example")).join();
        assertThat(registry.get("rampart.mta.sts.lookups").tag("result", "fetch").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("rampart.mta.sts.lookups").tag("result", "cache").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("rampart.mta.sts.lookups").tag("result", "none").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("rampart.mta.sts.lookups").tag("result", "fetch-failed").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("rampart.mta.sts.lookups").meters())
                .allSatisfy(m -> assertThat(m.getId().getTags()).extracting(t -> t.getKey()).containsExactly("result"));
    }

    @Test
    void aBrokenLookupStillAppliesAValidCachedPolicyNeverOpportunisticSts04() throws Exception {
        cache("enforced.example", 604_800);
        StsService broken = new StsService(dns, new StsPolicyCache(dir, source, clock, () -> 0L), command -> {
            throw new RejectedExecutionException("executor shut down");
        }, true);
        StsOutcome outcome = broken.lookup("enforced.example").join();
        assertThat(outcome.lookup()).isInstanceOf(StsLookup.Applied.class);
        assertThat(outcome.txt().toString()).contains("MTA-STS lookup failed", "executor shut down");
        assertThat(broken.lookup("unknown.example").join().lookup()).isInstanceOf(StsLookup.NoPolicy.class);
    }

    @Test
    void refreshesRunOnTheirOwnThreadsAtMostMaxConcurrentAtOnceSts16() throws Exception {
        for (String d : List.of("a.example", "b.example", "c.example")) {
            cache(d, 604_800);
        }
        AtomicInteger active = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        StsPolicySource blocking = domain -> {
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                active.decrementAndGet();
            }
            return policy("mx." + domain, 604_800);
        };
        StsService slow = new StsService(dns, new StsPolicyCache(dir, blocking, clock, () -> 0L), DIRECT, true);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            StsRefreshTask bounded = new StsRefreshTask(slow, threads, 2, metrics);
            now.set(T0.plus(Duration.ofHours(22)));
            CompletableFuture<StsRefreshTask.Round> round = CompletableFuture.supplyAsync(() -> {
                try {
                    return bounded.runOnce();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (active.get() < 2 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertThat(active.get()).isEqualTo(2);
            assertThat(round).isNotDone();
            release.countDown();
            assertThat(round.get(10, TimeUnit.SECONDS).refreshed())
                    .containsExactly("a.example", "b.example", "c.example");
            assertThat(peak.get()).isEqualTo(2);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aDisabledServiceRefreshesNothing() throws Exception {
        cache("a.example", 604_800);
        StsService off = new StsService(dns, new StsPolicyCache(dir, source, clock, () -> 0L), DIRECT, false);
        now.set(T0.plus(Duration.ofHours(22)));
        fetched.clear();
        assertThat(new StsRefreshTask(off, DIRECT, 1, metrics).runOnce().refreshed()).isEmpty();
        assertThat(fetched).isEmpty();
    }

    @Test
    void theRecheckSeesANewIdAsANewPolicyAndAnUnchangedOneAsNoneQue16() throws Exception {
        cache("r.example", 604_800);
        assertThat(service.recheck("r.example")).isEmpty();
        txtIds.put("r.example", "id2");
        policies.put("r.example", policy("mx2.r.example", 604_800));
        assertThat(service.recheck("r.example")).hasValueSatisfying(o -> assertThat(o.fetchedNewPolicy()).isTrue());
        assertThat(service.show("r.example").orElseThrow().id()).isEqualTo("id2");
        assertThat(service.recheck("r.example")).isEmpty();
    }
}
