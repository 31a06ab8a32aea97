package dev.rampart.policy.dane;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking a presented certificate chain against a TLSA RRset: either a match (which
 * record, how, and for DANE-TA which certificate served as trust anchor) or a failure with a precise,
 * loggable reason and the TLS-RPT result type it reports as. Immutable.
 */
public sealed interface DaneVerdict {

    /** A short phrase for logs: {@code dane-ee matched 3 1 1 e3b0c44298fc1c14…} or the failure reason. */
    String describe();

    /**
     * The peer is authenticated.
     *
     * @param mode        DANE-EE or DANE-TA
     * @param record      the TLSA record that matched
     * @param trustAnchor for DANE-TA, the certificate that served as anchor when one is known (from the
     *                    presented chain, or the record's own full certificate for {@code 2 0 0}); empty
     *                    for DANE-EE and for a {@code 2 1 0} key that the peer did not send
     */
    record Matched(DaneMode mode, TlsaRecord record, Optional<X509Certificate> trustAnchor) implements DaneVerdict {
        public Matched {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(trustAnchor, "trustAnchor");
            if (mode == DaneMode.EE && trustAnchor.isPresent()) {
                throw new IllegalArgumentException("DANE-EE has no trust anchor");
            }
        }

        @Override
        public String describe() {
            String anchor = trustAnchor.map(c -> ", anchor " + c.getSubjectX500Principal().getName()).orElse("");
            return mode.logName() + " matched " + record.usage() + " " + record.selector() + " "
                    + record.matchingType() + " " + TlsaMatcher.shortHex(record.data(), 8) + anchor;
        }
    }

    /**
     * The peer is not authenticated.
     *
     * @param reason precise and fit for a log line, e.g. {@code no TLSA record matched: leaf SPKI sha256 ab12…}
     * @param kind   the TLS-RPT result type this failure reports as
     */
    record Failed(String reason, RptFailure kind) implements DaneVerdict {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public String describe() {
            return reason;
        }
    }
}
