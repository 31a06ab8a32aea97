package dev.rampart.server.delivery;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.AddressLiterals;
import dev.rampart.policy.decide.DomainFacts;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostFacts;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.PolicyDecider;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.decide.TlsaBase;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxLookup;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.server.sts.StsOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Looks up what {@code policy.decide} needs for one next-hop domain and collects its decisions into a
 * {@link DestinationPlan} (design.md step 4; the call sequence of {@code policy.decide}'s package
 * documentation). Only lookups happen here: the MTA-STS policy of the next-hop domain (STS-05: never a
 * parent's) at the same time as MX resolution, because an {@code enforce} policy filters every MX host
 * (POL-01 step 3); then, for every MX host at once, the TLSA names {@link TlsaBase#queryNames} allows
 * (DANE-01: none under an insecure chain), then {@link TlsaBase#choose} and {@link PolicyDecider#decideHost}.
 * Address literals and manual levels that ignore MTA-STS get no MTA-STS lookup (rows 5–7, 19). Nothing
 * blocks: the result is a future completed on resolver (or fetch) threads, never exceptionally (an
 * internal error becomes a 4.4.3 deferral; a failed MTA-STS lookup becomes "no policy"). Thread-safe.
 */
public final class DestinationPlanner {
    private final MxLookup mx;
    private final TlsaLookup tlsa;
    private final MtaStsLookup sts;
    private final PolicyMap policyMap;

    public DestinationPlanner(MxLookup mx, TlsaLookup tlsa, MtaStsLookup sts, PolicyMap policyMap) {
        this.mx = Objects.requireNonNull(mx);
        this.tlsa = Objects.requireNonNull(tlsa);
        this.sts = Objects.requireNonNull(sts);
        this.policyMap = Objects.requireNonNull(policyMap);
    }

    /** A planner that never looks at MTA-STS. */
    public DestinationPlanner(MxLookup mx, TlsaLookup tlsa, PolicyMap policyMap) {
        this(mx, tlsa, MtaStsLookup.OFF, policyMap);
    }

    /** Plans delivery to {@code nextHop} (a normalised domain or an address literal). */
    public CompletableFuture<DestinationPlan> plan(String nextHop) {
        ManualPolicy manual = policyMap.levelFor(nextHop);
        CompletableFuture<StsOutcome> policy = stsFor(nextHop, manual);
        CompletableFuture<DestinationPlan> result;
        try {
            result = mx.resolve(nextHop).thenCombine(policy, (resolution, outcome) -> new Looked(resolution, outcome))
                    .thenCompose(looked -> afterMx(nextHop, manual, looked.resolution(), looked.sts()));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.exceptionally(e -> {
            String reason = "internal error planning delivery to " + nextHop + ": " + SmtpConnection.describe(e);
            MxResolution failed = new MxResolution.Temporary(nextHop, PolicyDecider.DNS_TEMPFAIL, reason);
            return new DestinationPlan(nextHop, manual, failed,
                    new DomainPlan.Defer(PolicyDecider.DNS_TEMPFAIL, reason, List.of()), List.of());
        });
    }

    private record Looked(MxResolution resolution, StsOutcome sts) {}

    /**
     * STS-05: the policy domain is the next-hop domain itself. No lookup for an address literal (row 19) or
     * when the manual level decides without MTA-STS (rows 5–7); a lookup that throws or fails is "no policy"
     * and never fails the plan.
     */
    private CompletableFuture<StsOutcome> stsFor(String nextHop, ManualPolicy manual) {
        if (AddressLiterals.isLiteralSyntax(nextHop)) {
            return CompletableFuture.completedFuture(
                    StsOutcome.notLookedUp(nextHop, "address literal: no MTA-STS (row 19, MX-02)"));
        }
        if (!(manual instanceof ManualPolicy.Dane)) {
            return CompletableFuture.completedFuture(StsOutcome.notLookedUp(nextHop,
                    "manual level " + manual.keyword() + " ignores MTA-STS (POL-10)"));
        }
        CompletableFuture<StsOutcome> outcome;
        try {
            outcome = sts.lookup(nextHop);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.exceptionally(e -> StsOutcome.notLookedUp(nextHop,
                "MTA-STS lookup failed: " + SmtpConnection.describe(e)));
    }

    private CompletableFuture<DestinationPlan> afterMx(String nextHop, ManualPolicy manual, MxResolution resolution,
                                                       StsOutcome sts) {
        String mxOwner = resolution instanceof MxResolution.Hosts h ? h.domain() : nextHop;
        DomainPlan domainPlan = PolicyDecider.decideDomain(resolution, mxOwner, manual, sts.facts());
        if (!(domainPlan instanceof DomainPlan.TryHosts tryHosts)) {
            return CompletableFuture.completedFuture(
                    new DestinationPlan(nextHop, manual, resolution, domainPlan, List.of(), sts));
        }
        List<CompletableFuture<DestinationPlan.PlannedHost>> hosts = new ArrayList<>();
        for (MxHost host : tryHosts.hosts()) {
            hosts.add(planHost(tryHosts.facts(), host));
        }
        return CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                new DestinationPlan(nextHop, manual, resolution, domainPlan,
                        hosts.stream().map(CompletableFuture::join).toList(), sts));
    }

    private CompletableFuture<DestinationPlan.PlannedHost> planHost(DomainFacts domain, MxHost host) {
        HostAddressFacts address = HostAddressFacts.direct(host.name(), host.addressStatus());
        if (AddressLiterals.isLiteralSyntax(host.name())) {
            // MX-02: no TLSA question for an address literal; decideHost applies row 19.
            TlsaFacts none = new TlsaFacts.NotQueried("address literal: no TLSA lookup (MX-02)");
            return CompletableFuture.completedFuture(new DestinationPlan.PlannedHost(host, address, List.of(), none,
                    PolicyDecider.decideHost(new HostFacts(domain, address, none))));
        }
        if (!domain.manual().usesDiscovery()) {
            // POL-10: none/may/encrypt/secure replace discovery; a TLSA answer could not change the plan.
            TlsaFacts none = new TlsaFacts.NotQueried("policy map level " + domain.manual().describe()
                    + ": no TLSA lookup (POL-10)");
            return CompletableFuture.completedFuture(new DestinationPlan.PlannedHost(host, address, List.of(), none,
                    PolicyDecider.decideHost(new HostFacts(domain, address, none))));
        }
        List<String> bases = TlsaBase.candidates(domain, address);
        List<String> names = TlsaBase.queryNames(domain, address, TlsaBase.SMTP_PORT);
        List<CompletableFuture<DnsResult<TlsaRecord>>> answers = names.stream().map(this::ask).toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, DnsResult<TlsaRecord>> byBase = new LinkedHashMap<>();
            for (int i = 0; i < bases.size(); i++) {
                byBase.put(bases.get(i), answers.get(i).join());
            }
            TlsaFacts facts = TlsaBase.choose(domain, address, byBase);
            return new DestinationPlan.PlannedHost(host, address, names, facts,
                    PolicyDecider.decideHost(new HostFacts(domain, address, facts)));
        });
    }

    /** A lookup that throws or completes exceptionally is a failed lookup, never "no TLSA" (DANE-05). */
    private CompletableFuture<DnsResult<TlsaRecord>> ask(String name) {
        CompletableFuture<DnsResult<TlsaRecord>> answer;
        try {
            answer = tlsa.tlsa(name);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(e -> new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL,
                "TLSA lookup " + name + " failed: " + SmtpConnection.describe(e)));
    }
}
