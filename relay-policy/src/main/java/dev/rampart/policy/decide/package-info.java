/**
 * Pure decisions: which hosts to try for a next hop and what transport security each one demands
 * (design "policy.decide"; conformance §3 MX rules and §7 decision table). Facts go in, values come out;
 * nothing here reads a clock, opens a socket or logs.
 *
 * <p>The delivery code drives one attempt for a next-hop domain like this:
 * <ol>
 *   <li>{@link dev.rampart.policy.decide.MxPlanner} (through {@code MxLookup}) gives an
 *       {@code MxResolution};</li>
 *   <li>{@link dev.rampart.policy.decide.PolicyDecider#decideDomain} with the policy map level
 *       ({@link dev.rampart.policy.decide.PolicyMap#levelFor}) says bounce, defer (rows 5, 8), or
 *       try these hosts in this order (MX-10: order never changes for security);</li>
 *   <li>per host, in order: {@link dev.rampart.policy.decide.TlsaBase#queryNames} lists the TLSA names to
 *       ask (none under an insecure chain, DANE-01), {@link dev.rampart.policy.decide.TlsaBase#choose}
 *       picks the deciding answer, {@link dev.rampart.policy.decide.PolicyDecider#decideHost} returns a
 *       {@link dev.rampart.policy.decide.HostPlan}: skip, or connect with a
 *       {@link dev.rampart.policy.decide.TlsRequirement} and an
 *       {@link dev.rampart.policy.decide.Authentication} from which the trust manager is built;</li>
 *   <li>each host's end becomes a {@link dev.rampart.policy.decide.HostResult};
 *       {@link dev.rampart.policy.decide.Verdict#of} folds them into "delivered via host i" or
 *       "defer with status and reason".</li>
 * </ol>
 * MTA-STS enters as {@link dev.rampart.policy.decide.StsFacts} on the domain facts (from the policy cache,
 * before any host is decided). A {@code Connect} then authenticates by
 * {@link dev.rampart.policy.decide.Authentication.Pkix} under {@code enforce} (rows 14, 16), or carries the
 * same check as a report-only {@link dev.rampart.policy.decide.HostPlan.Connect#audit} under
 * {@code testing} (rows 15, 17): the delivery code runs the audit on the presented chain after the
 * handshake, records its failure for TLS-RPT and the log, and delivers regardless. Logged as
 * {@code policy=mta-sts} ({@link dev.rampart.policy.decide.AppliedPolicy#MTA_STS}).
 *
 * <p>The manual levels of the policy map ({@link dev.rampart.policy.decide.PolicyMap},
 * {@link dev.rampart.policy.decide.ManualPolicy}) {@code none}, {@code may}, {@code encrypt} and
 * {@code secure} replace discovery ({@link dev.rampart.policy.decide.ManualPolicy#usesDiscovery()} is
 * false: no TLSA or MTA-STS lookups) and decide alone (rows 1–4, 19), logged as {@code policy=manual}.
 * A message tagged REQUIRETLS additionally passes each host plan through
 * {@link dev.rampart.policy.decide.RequireTlsRule} (row 21).
 *
 * <p>Shadow mode ({@code tls.enforcement: shadow}) and {@code TLS-Required: No} messages (row 20) never
 * change a decision: {@link dev.rampart.policy.decide.ShadowPlans} relaxes the decided plans afterwards,
 * and a {@link dev.rampart.policy.decide.ShadowPlan} keeps what enforcement demanded for the delivery code
 * to evaluate on the real session. A report-only check ends as an
 * {@link dev.rampart.policy.decide.AuditResult}.
 *
 * <p>Every plan carries its TLS-RPT facts ({@link dev.rampart.policy.decide.TlsRptRecording}) so the
 * recorder needs nothing but the plan and what the handshake showed.
 */
package dev.rampart.policy.decide;
