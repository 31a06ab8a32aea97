package dev.rampart.policy.sts.fetch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.sts.StsCacheDecision;
import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.StsRefreshSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policy cache (RFC 8461 §3.3, §5.1, §10.2): persistent per policy domain in a directory
 * (STS-13), Caffeine in front so that a delivery does not touch the disk, and the fetch rules of
 * {@link StsCacheDecision}: same TXT id → cached policy; new id → fetch, success replaces (STS-14); failed
 * fetch → valid cached policy still applies (STS-15) and that id is not fetched again for 5 minutes
 * (STS-10); no or bad TXT record → cached policy kept (STS-04). Proactive refresh: {@link #dueForRefresh}
 * lists the domains whose jittered daily refresh time has come (STS-16), {@link #refresh} does it.
 *
 * <p>Thread-safe. Calls that may fetch ({@link #lookup}, {@link #refresh}) block for up to the fetcher's
 * timeout, so run them on a worker or virtual thread, never on an event loop; concurrent calls for one
 * domain wait for each other, so one fetch serves them all. Disk errors are logged and degrade to "not
 * cached"; they never fail a lookup. Time comes only from the injected {@link InstantSource}.
 */
public final class StsPolicyCache {
    private static final Logger log = LoggerFactory.getLogger(StsPolicyCache.class);

    /** STS-10: no refetch of a (domain, id) for this long after a failure. */
    public static final Duration BACKOFF = Duration.ofMinutes(5);
    private static final int MAX_DOMAINS = 100_000;

    private final StsCacheStore store;
    private final StsPolicySource source;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final Cache<String, Optional<StsCacheEntry>> entries;
    private final Cache<String, Instant> failedFetches;
    private final Cache<String, Integer> refreshFailures;
    private final LoadingCache<String, ReentrantLock> locks;

    /**
     * @param directory where the policy files live (created if missing)
     * @param source    the fetcher
     * @param clock     all validity, backoff and refresh times
     * @param random    jitter of the refresh schedule
     */
    public StsPolicyCache(Path directory, StsPolicySource source, InstantSource clock, RandomGenerator random)
            throws IOException {
        this.store = new StsCacheStore(directory);
        this.source = Objects.requireNonNull(source);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        this.entries = Caffeine.newBuilder().maximumSize(MAX_DOMAINS).build();
        this.failedFetches = Caffeine.newBuilder().maximumSize(MAX_DOMAINS).build();
        this.refreshFailures = Caffeine.newBuilder().maximumSize(MAX_DOMAINS).build();
        this.locks = Caffeine.newBuilder().weakValues().build(k -> new ReentrantLock());
    }

    /**
     * The policy to apply for {@code policyDomain} (the next-hop domain, STS-05), given its {@code _mta-sts}
     * TXT lookup. May fetch.
     */
    public StsLookup lookup(String policyDomain, StsRecordResult txt) {
        var domain = DomainNames.normalize(policyDomain);
        if (domain.isEmpty()) {
            return new StsLookup.NoPolicy("not a domain name: " + policyDomain);
        }
        String d = domain.get();
        ReentrantLock lock = locks.get(d);
        lock.lock();
        try {
            Optional<StsCacheEntry> cached = load(d);
            Instant now = clock.instant();
            StsCacheDecision decision = cached
                    .map(c -> StsCacheDecision.decide(txt, c, now, id -> backedOff(d, id, now)))
                    .orElseGet(() -> StsCacheDecision.decide(txt, now, id -> backedOff(d, id, now)));
            return switch (decision) {
                case StsCacheDecision.UseCached u -> new StsLookup.Applied(u.entry(), StsLookup.Source.CACHE, u.reason());
                case StsCacheDecision.NoPolicy n -> new StsLookup.NoPolicy(n.reason());
                case StsCacheDecision.Fetch f -> fetchAndStore(d, f.id(), cached, false);
            };
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fetches now, whatever the cache and the backoff say (operator {@code rampart sts refresh}, and the
     * proactive refresh). The entry is stored under the TXT id when {@code txt} has one, else under the
     * cached id; with neither there is nothing to refresh.
     */
    public StsLookup refresh(String policyDomain, StsRecordResult txt) {
        var domain = DomainNames.normalize(policyDomain);
        if (domain.isEmpty()) {
            return new StsLookup.NoPolicy("not a domain name: " + policyDomain);
        }
        String d = domain.get();
        ReentrantLock lock = locks.get(d);
        lock.lock();
        try {
            Optional<StsCacheEntry> cached = load(d);
            Optional<String> id = txt.found().map(r -> r.id()).or(() -> cached.map(StsCacheEntry::id));
            if (id.isEmpty()) {
                return new StsLookup.NoPolicy("nothing to refresh for " + d + ": no TXT id and nothing cached");
            }
            return fetchAndStore(d, id.get(), cached, true);
        } finally {
            lock.unlock();
        }
    }

    /** STS-16: cached, still valid policies whose refresh time has come and that are not backing off. */
    public List<String> dueForRefresh() {
        Instant now = clock.instant();
        List<String> due = new ArrayList<>();
        for (String d : listDomains()) {
            load(d).filter(e -> StsRefreshSchedule.isDue(e, now) && !backedOff(d, e.id(), now))
                    .ifPresent(e -> due.add(d));
        }
        due.sort(null);
        return due;
    }

    /** Operator view: what is cached for a domain, valid or not. */
    public Optional<StsCacheEntry> show(String policyDomain) {
        return DomainNames.normalize(policyDomain).flatMap(this::load);
    }

    /** Operator view (STS-10): until when fetches of this (domain, id) are held back after a failure. */
    public Optional<Instant> fetchBlockedUntil(String policyDomain, String id) {
        Instant now = clock.instant();
        return DomainNames.normalize(policyDomain)
                .map(d -> failedFetches.getIfPresent(d + " " + id))
                .map(failedAt -> failedAt.plus(BACKOFF))
                .filter(now::isBefore);
    }

    /** Forgets a domain's policy and its backoff; true when a policy was cached. */
    public boolean purge(String policyDomain) throws IOException {
        var domain = DomainNames.normalize(policyDomain);
        if (domain.isEmpty()) {
            return false;
        }
        String d = domain.get();
        ReentrantLock lock = locks.get(d);
        lock.lock();
        try {
            boolean had = load(d).isPresent();
            store.delete(d);
            entries.put(d, Optional.empty());
            failedFetches.asMap().keySet().removeIf(k -> k.startsWith(d + " "));
            refreshFailures.invalidate(d);
            log.info("sts cache purged domain={} had_policy={}", d, had);
            return had;
        } finally {
            lock.unlock();
        }
    }

    /** How many domains have a policy file, valid or expired (the cached-policies gauge); lists the directory. */
    public int size() {
        return listDomains().size();
    }

    /** Deletes entries past their max_age; they can never apply again. Returns how many went. */
    public int removeExpired() {
        Instant now = clock.instant();
        int removed = 0;
        for (String d : listDomains()) {
            ReentrantLock lock = locks.get(d);
            lock.lock();
            try {
                Optional<StsCacheEntry> e = load(d);
                if (e.isPresent() && !e.get().validAt(now)) {
                    store.delete(d);
                    entries.put(d, Optional.empty());
                    removed++;
                }
            } catch (IOException ex) {
                log.warn("sts cache cannot delete expired domain={}: {}", d, ex.toString());
            } finally {
                lock.unlock();
            }
        }
        return removed;
    }

    private StsLookup fetchAndStore(String d, String id, Optional<StsCacheEntry> cached, boolean refresh) {
        StsFetchResult result = source.fetch(d);
        Instant now = clock.instant();
        return switch (result) {
            case StsFetchResult.Fetched f -> {
                StsCacheEntry entry = new StsCacheEntry(d, id, f.policy(), f.rawText(), now,
                        StsRefreshSchedule.refreshAt(now, f.policy().maxAgeSeconds(), random));
                try {
                    store.write(entry);
                } catch (IOException | UncheckedIOException e) {
                    log.warn("sts cache cannot persist domain={} id={}: {}; kept in memory only", d, id, e.toString());
                }
                entries.put(d, Optional.of(entry));
                failedFetches.invalidate(d + " " + id);
                refreshFailures.invalidate(d);
                log.info("sts policy fetched domain={} id={} mode={} max_age={}", d, id,
                        f.policy().mode().token(), f.policy().maxAgeSeconds());
                yield new StsLookup.Applied(entry, StsLookup.Source.FETCH, "fetched policy id " + id);
            }
            case StsFetchResult.Failed f -> {
                failedFetches.put(d + " " + id, now);
                logFailure(d, id, f, cached, refresh);
                if (cached.isPresent()) {
                    yield switch (StsCacheDecision.afterFailedFetch(cached.get(), now, f.reason())) {
                        case StsCacheDecision.UseCached u ->
                                new StsLookup.Applied(u.entry(), StsLookup.Source.CACHE, u.reason(), Optional.of(f.kind()));
                        case StsCacheDecision.NoPolicy n -> new StsLookup.FetchFailed(f.kind(), n.reason());
                        case StsCacheDecision.Fetch x -> throw new IllegalStateException("no fetch after a fetch");
                    };
                }
                yield new StsLookup.FetchFailed(f.kind(), f.reason());
            }
        };
    }

    /** STS-16: repeated refresh failures are WARN, unless the cached mode is none. */
    private void logFailure(String d, String id, StsFetchResult.Failed f, Optional<StsCacheEntry> cached,
                            boolean refresh) {
        int failures = refresh ? refreshFailures.asMap().merge(d, 1, Integer::sum) : 0;
        boolean quiet = cached.map(c -> c.policy().mode() == StsMode.NONE).orElse(false);
        if (failures >= 2 && !quiet) {
            log.warn("sts policy refresh failed again domain={} id={} failures={} result={} reason={}",
                    d, id, failures, f.kind().resultType(), f.reason());
        } else {
            log.info("sts policy fetch failed domain={} id={} result={} reason={}", d, id,
                    f.kind().resultType(), f.reason());
        }
    }

    private boolean backedOff(String d, String id, Instant now) {
        Instant failedAt = failedFetches.getIfPresent(d + " " + id);
        return failedAt != null && now.isBefore(failedAt.plus(BACKOFF));
    }

    private Optional<StsCacheEntry> load(String d) {
        Optional<StsCacheEntry> known = entries.getIfPresent(d);
        if (known != null) {
            return known;
        }
        try {
            Optional<StsCacheEntry> read = switch (store.read(d)) {
                case StsCacheStore.Read.Missing m -> Optional.empty();
                case StsCacheStore.Read.Found f -> Optional.of(f.entry());
                case StsCacheStore.Read.Corrupt c -> {
                    log.warn("sts cache file for domain={} is corrupt ({}); ignored and moved to {}",
                            d, c.reason(), c.movedTo().getFileName());
                    yield Optional.empty();
                }
            };
            entries.put(d, read);
            return read;
        } catch (IOException | UncheckedIOException e) {
            log.warn("sts cache cannot read domain={}: {}; treated as not cached", d, e.toString());
            return Optional.empty();
        }
    }

    private List<String> listDomains() {
        try {
            return store.domains();
        } catch (IOException e) {
            log.warn("sts cache cannot list its directory: {}", e.toString());
            return List.of();
        }
    }
}
