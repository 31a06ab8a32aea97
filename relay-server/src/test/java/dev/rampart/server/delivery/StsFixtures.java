package dev.rampart.server.delivery;

import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsPolicy;
import dev.rampart.policy.sts.StsPolicyParser;
import dev.rampart.policy.sts.StsPolicyResult;
import dev.rampart.policy.sts.StsRecord;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.server.sts.StsOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/** MTA-STS outcomes as the service would report them, and a scripted lookup for the planner. */
final class StsFixtures {
    static final Instant FETCHED = Instant.parse("2026-11-22T09:00:00Z");

    private StsFixtures() {}

    /** A valid policy of {@code mode} with these mx patterns, as found in the cache under {@code id}. */
    static StsOutcome policyWithId(String domain, String id, String mode, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\nmode: " + mode + "\n");
        for (String m : mx) {
            text.append("mx: ").append(m).append('\n');
        }
        text.append("max_age: 604800\n");
        StsPolicy policy = switch (StsPolicyParser.parse(text.toString())) {
            case StsPolicyResult.Valid v -> v.policy();
            case StsPolicyResult.Invalid i -> throw new IllegalArgumentException(i.reason());
        };
        StsCacheEntry entry = new StsCacheEntry(domain, id, policy, text.toString(), FETCHED,
                FETCHED.plus(Duration.ofDays(1)));
        return new StsOutcome(domain, new StsRecordResult.Found(new StsRecord(id)),
                new StsLookup.Applied(entry, StsLookup.Source.CACHE, "cached policy id " + id));
    }

    static StsOutcome policy(String domain, String mode, String... mx) {
        return policyWithId(domain, "id1", mode, mx);
    }

    /** The TXT record announced a policy, the fetch failed and nothing was cached (row 18). */
    static StsOutcome fetchFailed(String domain) {
        return new StsOutcome(domain, new StsRecordResult.Found(new StsRecord("id1")),
                new StsLookup.FetchFailed(StsFailureKind.FETCH_ERROR, "HTTP 404 from mta-sts." + domain));
    }

    /** Outcomes by domain (default: no TXT record), recording every domain asked. */
    static final class ScriptedSts implements MtaStsLookup {
        final Map<String, StsOutcome> outcomes = new ConcurrentHashMap<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<StsOutcome> lookup(String policyDomain) {
            asked.add(policyDomain);
            return CompletableFuture.completedFuture(outcomes.getOrDefault(policyDomain,
                    StsOutcome.notLookedUp(policyDomain, "no _mta-sts TXT record")));
        }
    }
}
