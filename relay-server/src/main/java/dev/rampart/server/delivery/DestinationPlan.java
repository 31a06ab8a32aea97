package dev.rampart.server.delivery;

import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.server.sts.StsOutcome;
import java.util.List;
import java.util.Objects;

/**
 * Every fact looked up for one next-hop domain and every decision taken on them (design.md step 4):
 * the MX resolution, the manual level, the domain plan and, when hosts are to be tried, one
 * {@link PlannedHost} per MX host in trial order (MX-10). Delivery acts on it; {@code policy explain}
 * shows it. Immutable.
 *
 * @param hosts empty unless {@code domainPlan} is {@link DomainPlan.TryHosts}
 * @param sts   the MTA-STS lookup the host decisions were taken on (TXT record, policy, its source)
 */
public record DestinationPlan(String nextHop, ManualPolicy manual, MxResolution resolution, DomainPlan domainPlan,
                              List<PlannedHost> hosts, StsOutcome sts) {
    public DestinationPlan {
        Objects.requireNonNull(nextHop);
        Objects.requireNonNull(manual);
        Objects.requireNonNull(resolution);
        Objects.requireNonNull(domainPlan);
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(sts);
    }

    /** A plan taken without looking at MTA-STS. */
    public DestinationPlan(String nextHop, ManualPolicy manual, MxResolution resolution, DomainPlan domainPlan,
                           List<PlannedHost> hosts) {
        this(nextHop, manual, resolution, domainPlan, hosts, StsOutcome.notLookedUp(nextHop, "MTA-STS not looked up"));
    }

    /**
     * One MX host: its addresses, the TLSA names that were asked (none under an insecure chain, DANE-01),
     * the deciding TLSA fact and the resulting plan.
     */
    public record PlannedHost(MxHost host, HostAddressFacts address, List<String> tlsaQueries, TlsaFacts tlsa,
                              HostPlan plan) {
        public PlannedHost {
            Objects.requireNonNull(host);
            Objects.requireNonNull(address);
            tlsaQueries = List.copyOf(tlsaQueries);
            Objects.requireNonNull(tlsa);
            Objects.requireNonNull(plan);
        }
    }

    /**
     * The {@code policy=} value of the delivery log for a host plan: {@code dane-only} when the manual
     * level demands DANE and DANE governs the session, else the plan's applied policy ({@code manual}
     * for the levels none, may, encrypt and secure).
     */
    public String policyLabel(HostPlan plan) {
        return switch (plan.policy()) {
            case NONE -> "none";
            case DANE -> manualLabel(plan.policy().logName());
            case MTA_STS -> plan.policy().logName();
            case MANUAL -> plan.policy().logName();
        };
    }

    private String manualLabel(String dane) {
        return switch (manual) {
            case ManualPolicy.Dane d -> dane;
            case ManualPolicy.DaneOnly d -> "dane-only";
            // Only DANE-decided plans reach here; the discovery-replacing levels log as MANUAL.
            case ManualPolicy.None n -> dane;
            case ManualPolicy.May m -> dane;
            case ManualPolicy.Encrypt e -> dane;
            case ManualPolicy.Secure s -> dane;
        };
    }
}
