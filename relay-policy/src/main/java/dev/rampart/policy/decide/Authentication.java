package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import java.util.List;
import java.util.Objects;

/**
 * How the server certificate must be checked; the delivery code builds the trust manager from this and
 * nothing else. PKIX (MTA-STS, manual {@code secure}) arrives as a further record. Immutable.
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

    Authentication NONE = new None();
}
