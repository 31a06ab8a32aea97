package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;

/**
 * Sorts a TLSA answer into the four cases the decision table distinguishes (RFC 7672 §2.1.1, §2.2):
 * the one place where "what does this answer mean for DANE" is decided. Pure.
 */
final class TlsaAnswers {
    private TlsaAnswers() {}

    enum Kind {
        /** Secure, non-empty RRset: DANE applies (rows 6, 7, 12, 13). */
        SECURE_RECORDS,
        /** Secure or insecure denial, or an insecure RRset: DANE does not apply (DANE-09). */
        NO_SECURE_TLSA,
        /** Bogus or indeterminate data (DNS-02): row 9. */
        BOGUS,
        /** SERVFAIL, timeout, malformed reply, CNAME loop (DNS-03): row 10. */
        FAILED
    }

    static Kind classify(DnsResult<TlsaRecord> answer) {
        return switch (answer) {
            case DnsResult.Failure<TlsaRecord> f -> switch (f.kind()) {
                case BOGUS -> Kind.BOGUS;
                case SERVFAIL, TIMEOUT, MALFORMED, CNAME_LOOP -> Kind.FAILED;
            };
            case DnsResult.Records<TlsaRecord> r -> switch (r.status()) {
                case SECURE -> r.records().isEmpty() ? Kind.NO_SECURE_TLSA : Kind.SECURE_RECORDS;
                case INSECURE -> Kind.NO_SECURE_TLSA;
                case BOGUS, INDETERMINATE -> Kind.BOGUS;
            };
            case DnsResult.NoData<TlsaRecord> n -> denial(n.status());
            case DnsResult.NxDomain<TlsaRecord> n -> denial(n.status());
        };
    }

    private static Kind denial(DnssecStatus status) {
        return switch (status) {
            case SECURE, INSECURE -> Kind.NO_SECURE_TLSA;
            case BOGUS, INDETERMINATE -> Kind.BOGUS;
        };
    }
}
