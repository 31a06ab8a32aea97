package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import java.util.List;
import java.util.Objects;

/**
 * How the server certificate must be checked; the delivery code builds the trust manager from this and
 * nothing else. Immutable.
 */
public sealed interface Authentication {

    /** Any certificate is accepted: opportunistic TLS, or TLS required without authentication (DANE-08). */
    record None() implements Authentication {}

    /**
     * DANE only (DANE-07, POL-02): the chain must match one of {@code usableRecords} (DANE-EE: leaf only,
     * no name or date check; DANE-TA: chain to the matched anchor, then a name check of the leaf against
     * {@code referenceIds}, DANE-14). Never a PKIX or MTA-STS substitute. Hostname verification on the
     * TLS engine must be off; the DANE verifier does the name check itself where one applies.
     *
     * @param usableRecords the records that passed DANE-06, never empty
     * @param referenceIds  DANE-TA reference identifiers, the TLSA base domain first (DANE-14)
     */
    record Dane(List<TlsaRecord> usableRecords, List<String> referenceIds) implements Authentication {
        public Dane {
            usableRecords = List.copyOf(usableRecords);
            referenceIds = List.copyOf(referenceIds);
            if (usableRecords.isEmpty()) {
                throw new IllegalArgumentException("DANE authentication needs at least one usable TLSA record");
            }
            if (referenceIds.isEmpty()) {
                throw new IllegalArgumentException("DANE authentication needs the TLSA base domain as reference id");
            }
        }
    }

    /**
     * WebPKI (MTA-STS, STS-18; later manual {@code secure}): the chain must be unexpired and reach a
     * trusted root (the JDK roots plus the configured {@code tls.trust-store}), and a SAN dNSName of the
     * leaf must match one of {@code referenceIds} (a wildcard covers the leftmost label only; the CN is
     * ignored). For MTA-STS the only reference id is the MX host name as published, never a name taken
     * from the certificate, and the SNI is that same name ({@link HostPlan.Connect#serverName}).
     *
     * @param referenceIds names the leaf must carry, never empty, lower case
     */
    record Pkix(List<String> referenceIds) implements Authentication {
        public Pkix {
            referenceIds = List.copyOf(referenceIds);
            if (referenceIds.isEmpty()) {
                throw new IllegalArgumentException("PKIX authentication needs at least one reference id");
            }
        }
    }

    Authentication NONE = new None();
}
