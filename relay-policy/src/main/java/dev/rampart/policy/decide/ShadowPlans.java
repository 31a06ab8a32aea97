package dev.rampart.policy.decide;

import java.util.List;

/**
 * The pure transformations that let mail through where a TLS policy would stop it, while keeping what the
 * policy demanded: shadow mode ({@code tls.enforcement: shadow}, issue acceptance 4) and messages marked
 * {@code TLS-Required: No} (row 20, POL-08, RFC 8689 §4.2.2). The plans are first decided exactly as under
 * enforcement (the decision table is never bypassed); these functions then only relax them. No clock, no
 * I/O; thread-safe.
 *
 * <p>What shadow mode relaxes, row by row (conformance §7):
 * <ul>
 *   <li>TLS required (rows 3, 4, 6, 12–16): the session becomes opportunistic and carries the enforced
 *       plan as {@link ShadowPlan.Demanding}; a missing STARTTLS, a failed handshake or a failed DANE or
 *       PKIX check is a would-block.</li>
 *   <li>Policy skips (rows 5, 7, 9, 11, status 4.7.5) and DNSSEC-invalid address data (DNS-02): the host
 *       is contacted opportunistically as {@link ShadowPlan.WouldSkip}. A bogus answer is a security
 *       signal, so it counts as a would-block rather than as a DNS hiccup.</li>
 *   <li>A transient TLSA lookup failure (row 10, status 4.4.3): relaxed as {@link ShadowPlan.LookupFailed},
 *       not counted, because enforcement would only have deferred it as a DNS problem, not a policy.</li>
 *   <li>Not relaxed: a failed or bogus MX lookup (row 8; {@link DomainPlan.Defer} without skipped hosts)
 *       leaves nothing to connect to and still defers; permanent MX outcomes still bounce.</li>
 *   <li>Opportunistic rows (17, 18, 19) are unchanged, report-only audits included (STS-20).</li>
 * </ul>
 * A message that asks for REQUIRETLS is never relaxed: that demand is the sender's, not the operator's
 * (RFC 8689 §4.2.1); the caller does not apply these functions to it.
 */
public final class ShadowPlans {
    private static final String SHADOW_WHY = "; shadow mode (tls.enforcement: shadow): delivered with opportunistic"
            + " TLS, what enforcement demands is only checked and logged";
    private static final String OPTIONAL_WHY = "; TLS-Required: No: STARTTLS tried, DANE and MTA-STS failures ignored,"
            + " not recorded for TLS-RPT (row 20, POL-08)";

    private ShadowPlans() {}

    /** Shadow mode for one host plan: always something to connect to, and what enforcement demanded. */
    public static ShadowPlan relax(HostPlan plan) {
        return switch (plan) {
            case HostPlan.Skip skip -> transientLookup(skip)
                    ? new ShadowPlan.LookupFailed(opportunistic(skip, SHADOW_WHY, skip.tlsRpt()), skip)
                    : new ShadowPlan.WouldSkip(opportunistic(skip, SHADOW_WHY, skip.tlsRpt()), skip);
            // Only a plan that requires TLS can block; any other level (opportunistic, or no STARTTLS by the
            // operator's choice) is delivered as decided.
            case HostPlan.Connect connect -> connect.requirement() == TlsRequirement.REQUIRED
                    ? new ShadowPlan.Demanding(opportunistic(connect, SHADOW_WHY, connect.tlsRpt(), connect.audit()),
                            connect)
                    : new ShadowPlan.AsPlanned(connect);
        };
    }

    /**
     * Row 20 (POL-08): a message marked {@code TLS-Required: No} still tries STARTTLS on every host, but
     * no DANE or MTA-STS failure stops it, no report-only check runs, and the session is not recorded for
     * TLS-RPT (RFC 8460 §3 for our own reports, RPT-09).
     */
    public static HostPlan.Connect ignoringFailures(HostPlan plan) {
        TlsRptRecording notRecorded = new TlsRptRecording.NotRecorded("TLS-Required: No (row 20, POL-08, RPT-09)");
        return switch (plan) {
            case HostPlan.Skip skip -> opportunistic(skip, OPTIONAL_WHY, notRecorded);
            case HostPlan.Connect connect -> opportunistic(connect, OPTIONAL_WHY, notRecorded, Authentication.NONE);
        };
    }

    /**
     * The hosts of a deferred domain that relaxing may still try: the per-host skips of a policy deferral
     * (row 5, {@code dane-only} with an insecure MX RRset). Empty for an MX lookup failure (row 8), which
     * leaves nothing to connect to.
     */
    public static List<HostPlan.Skip> hostsToTry(DomainPlan.Defer defer) {
        return defer.status().equals(PolicyDecider.POLICY_STATUS) ? defer.skippedHosts() : List.of();
    }

    /** Row 10: a skip for a failed TLSA lookup that is neither policy (4.7.5) nor a DNSSEC failure. */
    private static boolean transientLookup(HostPlan.Skip skip) {
        return !skip.status().equals(PolicyDecider.POLICY_STATUS) && !dnssecInvalid(skip.tlsRpt());
    }

    private static boolean dnssecInvalid(TlsRptRecording recording) {
        return switch (recording) {
            case TlsRptRecording.Recorded r -> r.knownFailures().stream()
                    .anyMatch(f -> f.resultType() == TlsRptResultType.DNSSEC_INVALID);
            case TlsRptRecording.Each e -> e.entries().stream().anyMatch(ShadowPlans::dnssecInvalid);
            case TlsRptRecording.NotRecorded n -> false;
        };
    }

    /** A host enforcement would not contact, contacted opportunistically under its MX host name. */
    private static HostPlan.Connect opportunistic(HostPlan.Skip skip, String why, TlsRptRecording tlsRpt) {
        return new HostPlan.Connect(skip.hostName(), TlsRequirement.OPPORTUNISTIC, Authentication.NONE,
                skip.hostName(), "", List.of(), PolicyDecider.MINIMUM_TLS, skip.policy(), skip.why() + why, tlsRpt,
                Authentication.NONE);
    }

    /**
     * The same host, SNI and TLSA facts without the authentication and with TLS no longer required, so the
     * session presents what enforcement would have been shown and the check can run on it afterwards. A
     * level that does not require TLS keeps its requirement.
     */
    private static HostPlan.Connect opportunistic(HostPlan.Connect plan, String why, TlsRptRecording tlsRpt,
                                                  Authentication audit) {
        TlsRequirement relaxed = plan.requirement() == TlsRequirement.REQUIRED ? TlsRequirement.OPPORTUNISTIC
                : plan.requirement();
        return new HostPlan.Connect(plan.hostName(), relaxed, Authentication.NONE,
                plan.serverName(), plan.tlsaBase(), plan.allTlsa(), plan.minimumTls(), plan.policy(), plan.why() + why,
                tlsRpt, audit);
    }
}
