package dev.rampart.server.sts;

import dev.rampart.policy.decide.StsFacts;
import dev.rampart.policy.sts.StsRecordResult;
import dev.rampart.policy.sts.fetch.StsLookup;
import java.util.Objects;

/**
 * Everything one MTA-STS lookup of a policy domain found: the {@code _mta-sts} TXT answer (STS-01..03) and
 * what the policy cache made of it (STS-13..15). {@link #facts} is what the decision table reads;
 * {@code policy explain} shows the rest. Immutable.
 *
 * @param policyDomain the normalised next-hop domain the policy belongs to (STS-05)
 */
public record StsOutcome(String policyDomain, StsRecordResult txt, StsLookup lookup) {
    public StsOutcome {
        Objects.requireNonNull(policyDomain);
        Objects.requireNonNull(txt);
        Objects.requireNonNull(lookup);
    }

    /** MTA-STS was not looked at: disabled by configuration, an address literal, or a manual level that ignores it. */
    public static StsOutcome notLookedUp(String policyDomain, String why) {
        return new StsOutcome(policyDomain, StsRecordResult.absent(why), new StsLookup.NoPolicy(why));
    }

    /** True when this lookup fetched a new policy (not the cached one): QUE-16's "the policy changed". */
    public boolean fetchedNewPolicy() {
        return lookup instanceof StsLookup.Applied a && a.source() == StsLookup.Source.FETCH;
    }

    /**
     * The bounded {@code result} label of {@code rampart_mta_sts_lookups_total}: {@code cache}, {@code fetch},
     * {@code none} or {@code fetch-failed}; never a domain.
     */
    public String metricResult() {
        return switch (lookup) {
            case StsLookup.Applied a -> switch (a.source()) {
                case CACHE -> "cache";
                case FETCH -> "fetch";
            };
            case StsLookup.NoPolicy n -> "none";
            case StsLookup.FetchFailed f -> "fetch-failed";
        };
    }

    /** The facts {@code policy.decide} needs (rows 11, 14–18). */
    public StsFacts facts() {
        return switch (lookup) {
            case StsLookup.Applied a -> new StsFacts.Applied(a.entry().policy(), policyDomain, a.fetchFailure());
            case StsLookup.NoPolicy n -> StsFacts.ABSENT;
            case StsLookup.FetchFailed f -> new StsFacts.FetchFailed(f.kind(), f.reason());
        };
    }
}
