package dev.rampart.policy.decide;

/**
 * What MTA-STS says about a next-hop domain (RFC 8461), as far as the decision table needs it. Only
 * {@link Absent} exists until MTA-STS support lands; its policies ({@code enforce}, {@code testing},
 * {@code none}, fetch failures) become further records here, so rows 11 and 14–18 of the table slot into
 * {@link PolicyDecider} without reshaping the facts. Immutable.
 */
public sealed interface StsFacts {

    /** No MTA-STS policy applies (no TXT record, or the feature is not available yet). */
    record Absent() implements StsFacts {}

    StsFacts ABSENT = new Absent();
}
