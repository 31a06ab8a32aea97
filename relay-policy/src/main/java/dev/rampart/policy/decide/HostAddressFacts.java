package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DnssecStatus;
import java.util.Objects;

/**
 * What the address lookup of one MX host showed, as far as DANE cares (DNS-05, DANE-01, DANE-03).
 *
 * @param hostName      the MX host name as published (the "initial name"), normalised
 * @param expandedName  the owner of the A/AAAA records after following CNAMEs; equal to {@code hostName}
 *                      when the host is not an alias
 * @param aliasStatus   DNSSEC status of the CNAME links alone ({@code SECURE} when there is no alias).
 *                      A resolver that only reports the combined status passes that status here too,
 *                      which merely forgoes the "secure alias, insecure address" case of DANE-03
 * @param addressStatus DNSSEC status of the final A/AAAA RRset
 */
public record HostAddressFacts(String hostName, String expandedName, DnssecStatus aliasStatus,
                               DnssecStatus addressStatus) {
    public HostAddressFacts {
        Objects.requireNonNull(hostName);
        Objects.requireNonNull(expandedName);
        Objects.requireNonNull(aliasStatus);
        Objects.requireNonNull(addressStatus);
    }

    /** A host whose addresses sit at its own name. */
    public static HostAddressFacts direct(String hostName, DnssecStatus addressStatus) {
        return new HostAddressFacts(hostName, hostName, DnssecStatus.SECURE, addressStatus);
    }

    public boolean isAlias() {
        return !hostName.equals(expandedName);
    }
}
