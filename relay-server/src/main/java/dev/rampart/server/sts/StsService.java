package dev.rampart.server.sts;

import dev.rampart.policy.dns.DnsResolver;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsRecordParser;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.policy.sts.fetch.StsPolicyCache;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * MTA-STS as the relay uses it (RFC 8461 §3, §5.1): the {@code _mta-sts} TXT lookup through the relay's
 * (DNSSEC-gated) resolver, then the {@link StsPolicyCache}, which decides between the cached policy and a
 * fetch. One place for delivery planning, {@code policy explain}, the proactive refresh and the
 * {@code rampart sts} commands, so that all of them see the same policy.
 *
 * <p>Thread-safe. {@link #lookup} never blocks its caller and never completes exceptionally (a problem is
 * a {@link StsLookup.NoPolicy} or {@link StsLookup.FetchFailed} outcome, and a broken lookup still applies
 * a valid cached policy); fetches run on {@code blocking} (virtual threads in the relay). The other methods block and belong on worker threads.
 */
public final class StsService {
    /** A TXT lookup that takes longer than this counts as failed (no record: a cached policy still applies). */
    private static final Duration TXT_LIMIT = Duration.ofSeconds(30);

    private final DnsResolver resolver;
    private final StsPolicyCache cache;
    private final Executor blocking;
    private final boolean enabled;

    /**
     * @param resolver TXT lookups; the relay passes its validation-gated resolver
     * @param cache    the persistent policy cache
     * @param blocking where cache lookups (which may fetch for up to a minute) run
     * @param enabled  {@code mta-sts.enabled}; when false every lookup is "not looked up"
     */
    public StsService(DnsResolver resolver, StsPolicyCache cache, Executor blocking, boolean enabled) {
        this.resolver = Objects.requireNonNull(resolver);
        this.cache = Objects.requireNonNull(cache);
        this.blocking = Objects.requireNonNull(blocking);
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The policy that applies to mail for {@code policyDomain} (the next-hop domain, STS-05); may fetch. */
    public CompletableFuture<StsOutcome> lookup(String policyDomain) {
        Optional<String> domain = DomainNames.normalize(policyDomain);
        if (!enabled) {
            return CompletableFuture.completedFuture(StsOutcome.notLookedUp(policyDomain, "MTA-STS disabled (mta-sts.enabled: false)"));
        }
        if (domain.isEmpty()) {
            return CompletableFuture.completedFuture(StsOutcome.notLookedUp(policyDomain, "not a domain name: no MTA-STS"));
        }
        String d = domain.get();
        CompletableFuture<StsOutcome> result;
        try {
            result = txt(d).thenApplyAsync(txt -> new StsOutcome(d, txt, cache.lookup(d, txt)), blocking);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(e -> afterFailure(d, e));
    }

    /**
     * A lookup that broke (an executor gone, a bug) is treated like a missing TXT record (STS-04): a valid
     * cached policy still applies, so that an internal error never turns an {@code enforce} domain
     * opportunistic. Without a usable cache entry there is no policy. Never fetches.
     */
    private StsOutcome afterFailure(String domain, Throwable e) {
        String why = "MTA-STS lookup failed: " + e;
        StsRecordResult absent = StsRecordResult.absent(why);
        try {
            return new StsOutcome(domain, absent, cache.lookup(domain, absent));
        } catch (RuntimeException again) {
            return new StsOutcome(domain, absent, new StsLookup.NoPolicy(why));
        }
    }

    /**
     * Fetches the policy now, whatever the cache and the backoff say ({@code rampart sts refresh}, the
     * proactive refresh of STS-16). Blocks.
     */
    public StsOutcome refresh(String policyDomain) throws InterruptedException {
        String d = DomainNames.normalize(policyDomain).orElseThrow(
                () -> new IllegalArgumentException("not a domain name: " + policyDomain));
        StsRecordResult txt = await(txt(d));
        return new StsOutcome(d, txt, cache.refresh(d, txt));
    }

    /**
     * QUE-16: before a final bounce caused by an {@code enforce} failure, asks the TXT record again; when
     * its id differs from the cached policy's, refetches. Returns the new outcome when the policy changed
     * (then one more attempt is due), empty when it did not. Blocks.
     */
    public Optional<StsOutcome> recheck(String policyDomain) throws InterruptedException {
        String d = DomainNames.normalize(policyDomain).orElseThrow(
                () -> new IllegalArgumentException("not a domain name: " + policyDomain));
        StsRecordResult txt = await(txt(d));
        Optional<String> cachedId = cache.show(d).map(StsCacheEntry::id);
        Optional<String> txtId = txt.found().map(r -> r.id());
        if (txtId.isEmpty() || txtId.equals(cachedId)) {
            return Optional.empty();
        }
        return Optional.of(new StsOutcome(d, txt, cache.lookup(d, txt)));
    }

    /** What is cached for a domain, valid or expired. */
    public Optional<StsCacheEntry> show(String policyDomain) {
        return DomainNames.normalize(policyDomain).flatMap(cache::show);
    }

    /** STS-10: until when fetches of this domain's {@code id} are held back after a failure. */
    public Optional<Instant> fetchBlockedUntil(String policyDomain, String id) {
        return DomainNames.normalize(policyDomain).flatMap(d -> cache.fetchBlockedUntil(d, id));
    }

    /** Forgets a domain's policy and backoff; true when a policy was cached. */
    public boolean purge(String policyDomain) throws IOException {
        String d = DomainNames.normalize(policyDomain).orElseThrow(
                () -> new IllegalArgumentException("not a domain name: " + policyDomain));
        return cache.purge(d);
    }

    /** STS-16: the cached policies whose jittered refresh time has come. */
    public List<String> dueForRefresh() {
        return cache.dueForRefresh();
    }

    /** Deletes cached policies past their max_age, which can never apply again; returns how many. Blocks. */
    public int removeExpired() {
        return cache.removeExpired();
    }

    /** How many domains have a cached policy file, valid or expired. Lists the cache directory. */
    public int cachedPolicies() {
        return cache.size();
    }

    private CompletableFuture<StsRecordResult> txt(String domain) {
        CompletableFuture<DnsResult<String>> answer;
        try {
            answer = resolver.txt(StsRecordParser.queryName(domain));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.thenApply(StsRecordParser::fromDns)
                .exceptionally(e -> StsRecordResult.absent("TXT lookup of " + StsRecordParser.queryName(domain)
                        + " failed: " + e));
    }

    private static StsRecordResult await(CompletableFuture<StsRecordResult> txt) throws InterruptedException {
        try {
            return txt.get(TXT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return StsRecordResult.absent("TXT lookup failed: " + e);
        }
    }
}
