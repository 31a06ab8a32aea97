package dev.rampart.policy.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One usable MX target in delivery order, with its addresses already resolved (in the order they are
 * to be tried, MX-09) and their DNSSEC status.
 *
 * @param name          exchange host name, normalised
 * @param preference    MX preference (0 for an implicit MX)
 * @param addresses     addresses to try, in order; never empty
 * @param addressStatus DNSSEC status of the address answers (DNS-05)
 */
public record MxHost(String name, int preference, List<InetAddress> addresses, DnssecStatus addressStatus) {
    public MxHost {
        Objects.requireNonNull(name);
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(addressStatus);
    }
}
