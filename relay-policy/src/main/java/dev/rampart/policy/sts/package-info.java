/**
 * MTA-STS (RFC 8461) as pure functions: the {@code _mta-sts} TXT record ({@link
 * dev.rampart.policy.sts.StsRecordParser}), the policy file ({@link dev.rampart.policy.sts.StsPolicyParser}),
 * mx pattern matching against MX host names ({@link dev.rampart.policy.sts.StsMxMatcher}), and the cache
 * rules ({@link dev.rampart.policy.sts.StsCacheDecision}, {@link dev.rampart.policy.sts.StsRefreshSchedule}).
 * No I/O and no clock reads here: time is always a parameter. The fetch and the persistent cache live in
 * {@code policy.sts.fetch}.
 */
package dev.rampart.policy.sts;
