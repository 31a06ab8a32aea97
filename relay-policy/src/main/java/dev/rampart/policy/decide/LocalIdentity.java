package dev.rampart.policy.decide;

import dev.rampart.policy.dns.DomainNames;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Who "we" are for mail-loop detection (MX-11, RFC 5321 §5.1): our host names (normalised on the way
 * in; names that do not normalise are rejected) and the addresses we accept mail on. Immutable.
 */
public record LocalIdentity(Set<String> names, Set<InetAddress> addresses) {

    public LocalIdentity {
        Set<String> normal = new HashSet<>();
        for (String n : names) {
            normal.add(DomainNames.normalize(n)
                    .orElseThrow(() -> new IllegalArgumentException("not a valid host name: '" + n + "'")));
        }
        names = Set.copyOf(normal);
        addresses = Set.copyOf(addresses);
    }

    public static LocalIdentity of(Collection<String> names, Collection<InetAddress> addresses) {
        return new LocalIdentity(Set.copyOf(names), Set.copyOf(addresses));
    }

    boolean isOurName(String normalisedName) {
        return names.contains(normalisedName);
    }

    boolean isOurAddress(InetAddress address) {
        return addresses.contains(address);
    }
}
