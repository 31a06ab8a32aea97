/**
 * The I/O half of MTA-STS: {@link dev.rampart.policy.sts.fetch.StsPolicyFetcher} fetches a policy over
 * HTTPS within RFC 8461's limits and classifies failures as TLS-RPT result types;
 * {@link dev.rampart.policy.sts.fetch.StsPolicyCache} keeps policies on disk per policy domain, applies the
 * cache rules of {@code policy.sts}, backs off after failures and tells the scheduler which policies are
 * due for their daily refresh. Both block; callers run them off event loops.
 */
package dev.rampart.policy.sts.fetch;
