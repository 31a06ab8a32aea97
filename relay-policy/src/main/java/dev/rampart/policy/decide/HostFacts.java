package dev.rampart.policy.decide;

import java.util.Objects;

/**
 * Everything {@link PolicyDecider#decideHost} needs to decide one MX host: the shared domain facts, the
 * host's address facts and its TLSA fact. Immutable.
 *
 * <p>DANE-01 holds by construction: a TLSA {@link TlsaFacts.Answer} is accepted only for a base domain
 * that {@link TlsaBase#candidates} allows for these facts, so an answer fetched under an insecure MX RRset
 * or an insecure address can never reach the decision.
 *
 * @throws IllegalArgumentException when a TLSA answer is given for a name that is not a candidate base
 */
public record HostFacts(DomainFacts domain, HostAddressFacts address, TlsaFacts tlsa) {
    public HostFacts {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(address);
        Objects.requireNonNull(tlsa);
        if (tlsa instanceof TlsaFacts.Answer a && !TlsaBase.candidates(domain, address).contains(a.baseDomain())) {
            throw new IllegalArgumentException("TLSA base " + a.baseDomain() + " is not a candidate for host "
                    + address.hostName() + " under these DNSSEC facts (DANE-01, DANE-03); use TlsaBase.choose");
        }
    }

    public String hostName() {
        return address.hostName();
    }
}
