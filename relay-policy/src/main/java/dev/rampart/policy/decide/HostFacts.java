package dev.rampart.policy.decide;

import java.util.Objects;

/**
 * Everything {@link PolicyDecider#decideHost} needs to decide one MX host: the shared domain facts, the
 * host's address facts and its TLSA fact. Immutable.
 */
public record HostFacts(DomainFacts domain, HostAddressFacts address, TlsaFacts tlsa) {
    public HostFacts {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(address);
        Objects.requireNonNull(tlsa);
    }

    public String hostName() {
        return address.hostName();
    }
}
