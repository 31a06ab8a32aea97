package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.policy.sts.StsCacheEntry;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsMxMatcher;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import dev.rampart.server.sts.StsOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON shapes of MTA-STS on the admin API (RFC 8461), shared by {@code /api/sts/{domain}}
 * ({@code rampart sts}) and the {@code sts} part of {@code /api/policy/explain}:
 * <pre>
 * policy:  {"id","mode","max_age","mx":[..],"fetched_at","expires_at","refresh_at","valid","age_seconds"}
 * show:    {"domain","enabled","cached":true,"policy":{..},"policy_text","fetch_blocked_until"}
 * outcome: {"policy_domain","txt":{"result":"found|absent","id","reason"},
 *           "lookup":{"result":"applied|no-policy|fetch-failed","source":"cache|fetch|","reason","failure",
 *                     "fetch_blocked_until"},
 *           "policy":{..}}                       policy only when lookup.result is applied
 * refresh: {"domain","result":"refreshed|failed","cached_policy_kept", "reason", outcome fields}
 * host:    {"checked","mode":"enforce|testing|none|","admitted","matched_pattern"}
 * </pre>
 * Timestamps are ISO-8601 UTC to the second; {@code failure} is the TLS-RPT result type
 * ({@code sts-policy-fetch-error}, {@code sts-policy-invalid}, {@code sts-webpki-invalid}) or empty;
 * absent facts are empty strings, never null. Pure and thread-safe; the time comes from the caller.
 */
public final class StsJson {
    private StsJson() {}

    /** A cached policy as the cache holds it (STS-13): valid while now &lt; fetched_at + max_age. */
    public static ObjectNode policy(StsCacheEntry entry, Instant now) {
        ObjectNode p = QueueJson.MAPPER.createObjectNode();
        p.put("id", entry.id());
        p.put("mode", entry.policy().mode().token());
        p.put("max_age", entry.policy().maxAgeSeconds());
        ArrayNode mx = p.putArray("mx");
        entry.policy().mx().forEach(mx::add);
        p.put("fetched_at", QueueJson.timestamp(entry.fetchedAt()));
        p.put("expires_at", QueueJson.timestamp(entry.expiresAt()));
        p.put("refresh_at", QueueJson.timestamp(entry.refreshAt()));
        p.put("valid", entry.validAt(now));
        p.put("age_seconds", Math.max(0, Duration.between(entry.fetchedAt(), now).toSeconds()));
        return p;
    }

    /** {@code GET /api/sts/{domain}} when a policy is cached. */
    public static ObjectNode show(StsCacheEntry entry, Optional<Instant> fetchBlockedUntil, boolean enabled,
                                  Instant now) {
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("domain", entry.domain());
        o.put("enabled", enabled);
        o.put("cached", true);
        o.set("policy", policy(entry, now));
        o.put("policy_text", entry.policyText());
        o.put("fetch_blocked_until", fetchBlockedUntil.map(QueueJson::timestamp).orElse(""));
        return o;
    }

    /**
     * What one lookup found: the TXT record, the cache's decision and the policy it applies.
     *
     * @param fetchBlockedUntil STS-10: until when the TXT record's id is not fetched again after a failure
     */
    public static ObjectNode outcome(StsOutcome outcome, Instant now, Optional<Instant> fetchBlockedUntil) {
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("policy_domain", outcome.policyDomain());
        ObjectNode txt = o.putObject("txt");
        switch (outcome.txt()) {
            case StsRecordResult.Found f -> {
                txt.put("result", "found");
                txt.put("id", f.record().id());
                txt.put("reason", "");
            }
            case StsRecordResult.Absent a -> {
                txt.put("result", "absent");
                txt.put("id", "");
                txt.put("reason", a.reason());
            }
        }
        ObjectNode lookup = o.putObject("lookup");
        switch (outcome.lookup()) {
            case StsLookup.Applied a -> {
                lookup.put("result", "applied");
                lookup.put("source", a.source().name().toLowerCase(Locale.ROOT));
                lookup.put("reason", a.reason());
                lookup.put("failure", "");
                o.set("policy", policy(a.entry(), now));
            }
            case StsLookup.NoPolicy n -> {
                lookup.put("result", "no-policy");
                lookup.put("source", "");
                lookup.put("reason", n.reason());
                lookup.put("failure", "");
            }
            case StsLookup.FetchFailed f -> {
                lookup.put("result", "fetch-failed");
                lookup.put("source", "");
                lookup.put("reason", f.reason());
                lookup.put("failure", f.kind().resultType());
            }
        }
        lookup.put("fetch_blocked_until", fetchBlockedUntil.map(QueueJson::timestamp).orElse(""));
        return o;
    }

    /**
     * {@code POST /api/sts/{domain}/refresh}: {@code refreshed} only when a fetch succeeded just now; a
     * failed fetch that left a valid cached policy in force (STS-15) is {@code failed} with
     * {@code cached_policy_kept}.
     */
    public static ObjectNode refresh(StsOutcome outcome, Instant now, Optional<Instant> fetchBlockedUntil) {
        ObjectNode o = QueueJson.MAPPER.createObjectNode();
        o.put("domain", outcome.policyDomain());
        switch (outcome.lookup()) {
            case StsLookup.Applied a -> {
                boolean fetched = a.source() == StsLookup.Source.FETCH;
                o.put("result", fetched ? "refreshed" : "failed");
                o.put("cached_policy_kept", !fetched);
                o.put("reason", a.reason());
            }
            case StsLookup.NoPolicy n -> {
                o.put("result", "failed");
                o.put("cached_policy_kept", false);
                o.put("reason", n.reason());
            }
            case StsLookup.FetchFailed f -> {
                o.put("result", "failed");
                o.put("cached_policy_kept", false);
                o.put("reason", f.kind().resultType() + ": " + f.reason());
            }
        }
        o.setAll(outcome(outcome, now, fetchBlockedUntil));
        return o;
    }

    /**
     * Whether the applied policy admits one MX host (STS-17: the MX host name against the {@code mx}
     * patterns, never a certificate name). {@code checked} is false when no policy in {@code enforce} or
     * {@code testing} mode applies (STS-21: mode {@code none} counts as no policy).
     */
    public static ObjectNode host(StsOutcome outcome, String hostName) {
        ObjectNode h = QueueJson.MAPPER.createObjectNode();
        if (!(outcome.lookup() instanceof StsLookup.Applied a)) {
            h.put("checked", false);
            h.put("mode", "");
            h.put("admitted", false);
            h.put("matched_pattern", "");
            return h;
        }
        StsMode mode = a.entry().policy().mode();
        Optional<String> pattern = a.entry().policy().mx().stream()
                .filter(p -> StsMxMatcher.matches(p, hostName)).findFirst();
        h.put("checked", switch (mode) {
            case ENFORCE, TESTING -> true;
            case NONE -> false;
        });
        h.put("mode", mode.token());
        h.put("admitted", pattern.isPresent());
        h.put("matched_pattern", pattern.orElse(""));
        return h;
    }
}
