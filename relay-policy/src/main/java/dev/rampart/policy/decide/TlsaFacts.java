package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import java.util.Objects;

/**
 * The TLSA fact for one MX host: either no TLSA question was asked, and why, or the answer that decides
 * (see {@link TlsaBase#choose}). Immutable.
 */
public sealed interface TlsaFacts {

    /** DANE-01: the MX RRset or the host's address was not secure, so TLSA was not looked up. */
    record NotQueried(String reason) implements TlsaFacts {
        public NotQueried {
            Objects.requireNonNull(reason);
        }
    }

    /**
     * The deciding answer and the base domain it was asked for ({@code _25._tcp.<baseDomain>}); the base
     * stays that name even when the TLSA name itself is an alias (DANE-04).
     */
    record Answer(String baseDomain, DnsResult<TlsaRecord> result) implements TlsaFacts {
        public Answer {
            Objects.requireNonNull(baseDomain);
            Objects.requireNonNull(result);
        }
    }
}
