package dev.rampart.policy.sts.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.policy.dns.testing.ManualClock;
import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import dev.rampart.policy.sts.StsRecord;
import dev.rampart.policy.sts.StsRecordResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** STS-04, STS-10, STS-13..STS-16: the persistent cache with a manual clock and a scripted fetcher. */
class StsPolicyCacheTest {
    private static final String DOMAIN = "example.com";
    private static final RandomGenerator NO_JITTER = () -> 0L;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
    private ScriptedSource source;
    private StsPolicyCache cache;

    /** Answers fetches from a script, one result per call, and records which domains were fetched. */
    static final class ScriptedSource implements StsPolicySource {
        final Deque<StsFetchResult> script = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();

        ScriptedSource then(StsFetchResult r) {
            script.add(r);
            return this;
        }

        @Override
        public synchronized StsFetchResult fetch(String policyDomain) {
            calls.add(policyDomain);
            StsFetchResult next = script.poll();
            if (next == null) {
                throw new AssertionError("unexpected fetch of " + policyDomain);
            }
            return next;
        }
    }

    static StsFetchResult policy(String mode, long maxAge) {
        String text = "version: STSv1\nmode: " + mode + "\nmx: mx." + mode + ".example\nmax_age: " + maxAge + "\n";
        return new StsFetchResult.Fetched(((StsPolicyResult.Valid) StsPolicyParser.parse(text)).policy(), text);
    }

    static StsFetchResult failure() {
        return new StsFetchResult.Failed(StsFailureKind.FETCH_ERROR, "HTTP 503");
    }

    static StsRecordResult txt(String id) {
        return new StsRecordResult.Found(new StsRecord(id));
    }

    @BeforeEach
    void setUp() throws IOException {
        source = new ScriptedSource();
        cache = new StsPolicyCache(dir, source, clock, NO_JITTER);
    }

    private StsCacheEntry applied(StsLookup lookup, StsLookup.Source from) {
        assertThat(lookup).isInstanceOf(StsLookup.Applied.class);
        StsLookup.Applied a = (StsLookup.Applied) lookup;
        assertThat(a.source()).isEqualTo(from);
        return a.entry();
    }

    @Test
    void sameIdUsesCacheWithoutFetching_STS14() {
        source.then(policy("enforce", 86400));
        StsCacheEntry first = applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        clock.advance(Duration.ofHours(1));
        StsCacheEntry second = applied(cache.lookup("EXAMPLE.com.", txt("id1")), StsLookup.Source.CACHE);
        assertThat(second).isEqualTo(first);
        assertThat(source.calls).containsExactly(DOMAIN);
        assertThat(first.fetchedAt()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void changedIdRefetchesAndReplacesEvenWithModeNone_STS14() {
        source.then(policy("enforce", 86400)).then(policy("none", 86400));
        cache.lookup(DOMAIN, txt("id1"));
        StsCacheEntry replaced = applied(cache.lookup(DOMAIN, txt("id2")), StsLookup.Source.FETCH);
        assertThat(replaced.id()).isEqualTo("id2");
        assertThat(replaced.policy().mode()).isEqualTo(StsMode.NONE);
        assertThat(cache.show(DOMAIN)).contains(replaced);
        assertThat(source.calls).hasSize(2);
    }

    @Test
    void failedRefetchKeepsCachedPolicy_STS15() {
        source.then(policy("enforce", 86400)).then(failure());
        StsCacheEntry first = applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        StsLookup afterFailure = cache.lookup(DOMAIN, txt("id2"));
        StsCacheEntry kept = applied(afterFailure, StsLookup.Source.CACHE);
        assertThat(kept).isEqualTo(first);
        assertThat(cache.show(DOMAIN)).contains(first);
        // RPT-10: the lookup that met the failure says so, for TLS-RPT; a fresh fetch does not.
        assertThat(((StsLookup.Applied) afterFailure).fetchFailure()).contains(StsFailureKind.FETCH_ERROR);
        assertThat(((StsLookup.Applied) cache.lookup(DOMAIN, txt("id1"))).fetchFailure()).isEmpty();
    }

    @Test
    void failedFetchWithNothingCachedIsNoPolicyWithItsKind_STS15() {
        source.then(new StsFetchResult.Failed(StsFailureKind.WEBPKI_INVALID, "untrusted"));
        assertThat(cache.lookup(DOMAIN, txt("id1")))
                .isEqualTo(new StsLookup.FetchFailed(StsFailureKind.WEBPKI_INVALID, "untrusted"));
    }

    @Test
    void noRefetchOfSameIdWithinFiveMinutesOfAFailure_STS10() {
        source.then(failure()).then(policy("enforce", 86400));
        assertThat(cache.lookup(DOMAIN, txt("id1"))).isInstanceOf(StsLookup.FetchFailed.class);
        assertThat(cache.fetchBlockedUntil(DOMAIN, "id1")).contains(Instant.parse("2026-03-01T00:05:00Z"));
        assertThat(cache.fetchBlockedUntil(DOMAIN, "id2")).isEmpty();
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(cache.lookup(DOMAIN, txt("id1"))).isInstanceOf(StsLookup.NoPolicy.class);
        assertThat(source.calls).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        assertThat(source.calls).hasSize(2);
    }

    @Test
    void backoffIsPerId_STS10() {
        source.then(failure()).then(policy("enforce", 86400));
        cache.lookup(DOMAIN, txt("id1"));
        applied(cache.lookup(DOMAIN, txt("id2")), StsLookup.Source.FETCH);
    }

    @Test
    void missingOrBadTxtNeverEvictsAValidPolicy_STS04() {
        source.then(policy("enforce", 86400));
        StsCacheEntry first = applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        clock.advance(Duration.ofHours(23));
        assertThat(applied(cache.lookup(DOMAIN, StsRecordResult.absent("NXDOMAIN")), StsLookup.Source.CACHE))
                .isEqualTo(first);
        assertThat(cache.show(DOMAIN)).contains(first);
    }

    @Test
    void policySurvivesRestart_STS13() throws IOException {
        source.then(policy("enforce", 86400));
        StsCacheEntry first = applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        ScriptedSource down = new ScriptedSource();
        StsPolicyCache restarted = new StsPolicyCache(dir, down, clock, NO_JITTER);
        clock.advance(Duration.ofHours(2));
        assertThat(applied(restarted.lookup(DOMAIN, txt("id1")), StsLookup.Source.CACHE)).isEqualTo(first);
        assertThat(applied(restarted.lookup(DOMAIN, StsRecordResult.absent("SERVFAIL")), StsLookup.Source.CACHE))
                .isEqualTo(first);
        assertThat(down.calls).isEmpty();
    }

    @Test
    void expiredPolicyNoLongerApplies_STS13() {
        source.then(policy("enforce", 3600)).then(policy("testing", 3600));
        cache.lookup(DOMAIN, txt("id1"));
        clock.advance(Duration.ofSeconds(3599));
        applied(cache.lookup(DOMAIN, StsRecordResult.absent("NXDOMAIN")), StsLookup.Source.CACHE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lookup(DOMAIN, StsRecordResult.absent("NXDOMAIN"))).isEqualTo(new StsLookup.NoPolicy("NXDOMAIN"));
        assertThat(applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH).policy().mode())
                .isEqualTo(StsMode.TESTING);
    }

    @Test
    void expiredPolicyIsNotAFallbackForAFailedFetch_STS15() {
        source.then(policy("enforce", 3600)).then(failure());
        cache.lookup(DOMAIN, txt("id1"));
        clock.advance(Duration.ofHours(2));
        assertThat(cache.lookup(DOMAIN, txt("id1"))).isInstanceOf(StsLookup.FetchFailed.class);
    }

    @Test
    void corruptCacheFileIsIgnoredAndPutAside_STS13() throws IOException {
        Files.writeString(dir.resolve("example.com.policy"), "rampart-sts-cache 1\ngarbage");
        source.then(policy("enforce", 86400));
        applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        assertThat(dir.resolve("example.com.policy.corrupt")).exists();
        assertThat(dir.resolve("example.com.policy")).exists();
    }

    @Test
    void truncatedCacheFileFailsItsChecksumOnRestart_STS13() throws IOException {
        source.then(policy("enforce", 86400));
        cache.lookup(DOMAIN, txt("id1"));
        Path file = dir.resolve("example.com.policy");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x01;
        Files.write(file, bytes);
        ScriptedSource after = new ScriptedSource().then(failure());
        StsPolicyCache restarted = new StsPolicyCache(dir, after, clock, NO_JITTER);
        assertThat(restarted.show(DOMAIN)).isEmpty();
        assertThat(Files.readString(dir.resolve("example.com.policy.corrupt"), StandardCharsets.ISO_8859_1))
                .contains("id id1");
        assertThat(restarted.lookup(DOMAIN, txt("id1"))).isInstanceOf(StsLookup.FetchFailed.class);
    }

    @Test
    void refreshDueSelectsOnlyPoliciesWhoseTimeHasCome_STS16() {
        source.then(policy("enforce", 86400 * 7)).then(policy("testing", 3600));
        cache.lookup("a.example", txt("id1"));
        cache.lookup("b.example", txt("id1"));
        assertThat(cache.dueForRefresh()).isEmpty();
        clock.advance(Duration.ofMinutes(41)); // b: 3/4 of an hour less 10 % jitter = 40.5 min
        assertThat(cache.dueForRefresh()).containsExactly("b.example");
        clock.advance(Duration.ofHours(22)); // a: 24 h less 10 % = 21.6 h; b has expired by now
        assertThat(cache.dueForRefresh()).containsExactly("a.example");
    }

    @Test
    void successfulRefreshExtendsLife_STS16() {
        source.then(policy("enforce", 86400)).then(policy("enforce", 86400));
        StsCacheEntry first = applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        clock.advance(Duration.ofHours(22));
        assertThat(cache.dueForRefresh()).containsExactly(DOMAIN);
        StsCacheEntry refreshed = applied(cache.refresh(DOMAIN, StsRecordResult.absent("timeout")), StsLookup.Source.FETCH);
        assertThat(refreshed.id()).isEqualTo("id1");
        assertThat(refreshed.expiresAt()).isAfter(first.expiresAt());
        assertThat(cache.dueForRefresh()).isEmpty();
    }

    @Test
    void failedRefreshKeepsPolicyAndBacksOff_STS16_STS10() {
        source.then(policy("enforce", 86400)).then(failure()).then(policy("enforce", 86400));
        StsCacheEntry first = applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
        clock.advance(Duration.ofHours(22));
        assertThat(applied(cache.refresh(DOMAIN, txt("id1")), StsLookup.Source.CACHE)).isEqualTo(first);
        assertThat(cache.dueForRefresh()).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(cache.dueForRefresh()).containsExactly(DOMAIN);
    }

    @Test
    void refreshWithNothingToRefresh() {
        assertThat(cache.refresh(DOMAIN, StsRecordResult.absent("NXDOMAIN"))).isInstanceOf(StsLookup.NoPolicy.class);
        assertThat(source.calls).isEmpty();
    }

    @Test
    void purgeForgetsPolicyOnDiskAndInMemory() throws IOException {
        source.then(policy("enforce", 86400)).then(policy("enforce", 86400));
        cache.lookup(DOMAIN, txt("id1"));
        assertThat(cache.purge(DOMAIN)).isTrue();
        assertThat(cache.show(DOMAIN)).isEmpty();
        assertThat(new StsPolicyCache(dir, source, clock, NO_JITTER).show(DOMAIN)).isEmpty();
        assertThat(cache.purge(DOMAIN)).isFalse();
        applied(cache.lookup(DOMAIN, txt("id1")), StsLookup.Source.FETCH);
    }

    @Test
    void removeExpiredDeletesOnlyExpiredEntries() {
        source.then(policy("enforce", 3600)).then(policy("enforce", 86400));
        cache.lookup("a.example", txt("id1"));
        cache.lookup("b.example", txt("id1"));
        clock.advance(Duration.ofHours(2));
        assertThat(cache.removeExpired()).isEqualTo(1);
        assertThat(cache.show("a.example")).isEmpty();
        assertThat(cache.show("b.example")).isPresent();
        assertThat(dir.resolve("a.example.policy")).doesNotExist();
    }

    @Test
    void badDomainIsNoPolicyNotAnException() {
        assertThat(cache.lookup("bad..domain", txt("id1"))).isInstanceOf(StsLookup.NoPolicy.class);
        assertThat(source.calls).isEmpty();
    }

    @Test
    void concurrentLookupsOfOneDomainShareOneFetch() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        List<String> calls = new CopyOnWriteArrayList<>();
        StsPolicyCache shared = new StsPolicyCache(dir, domain -> {
            calls.add(domain);
            fetching.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return policy("enforce", 86400);
        }, clock, NO_JITTER);
        CompletableFuture<StsLookup> first = CompletableFuture.supplyAsync(() -> shared.lookup(DOMAIN, txt("id1")));
        assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<StsLookup> secondResult = new CompletableFuture<>();
        Thread second = Thread.ofPlatform().start(() -> secondResult.complete(shared.lookup(DOMAIN, txt("id1"))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (second.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the second lookup must be parked on the domain's lock before the fetch ends
        }
        assertThat(second.getState()).isEqualTo(Thread.State.WAITING);
        answer.countDown();
        applied(first.get(5, TimeUnit.SECONDS), StsLookup.Source.FETCH);
        applied(secondResult.get(5, TimeUnit.SECONDS), StsLookup.Source.CACHE);
        assertThat(calls).containsExactly(DOMAIN);
    }

    @Test
    void repeatedRefreshFailuresWarnUnlessModeNone_STS16() {
        Logger logger = (Logger) LoggerFactory.getLogger(StsPolicyCache.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            source.then(policy("enforce", 86400)).then(failure()).then(failure())
                    .then(policy("none", 86400)).then(failure()).then(failure());
            cache.lookup("a.example", txt("id1"));
            cache.refresh("a.example", txt("id1"));
            assertThat(events.list).noneMatch(e -> e.getLevel() == Level.WARN);
            cache.refresh("a.example", txt("id1"));
            assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("domain=a.example", "failures=2"));
            cache.lookup("n.example", txt("id1"));
            cache.refresh("n.example", txt("id1"));
            cache.refresh("n.example", txt("id1"));
            assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
        } finally {
            logger.detachAppender(events);
        }
    }
}
