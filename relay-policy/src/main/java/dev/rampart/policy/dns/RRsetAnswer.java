package dev.rampart.policy.dns;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Record;

/**
 * The raw outcome of one (name, type) question after the CNAME chain is followed, before the records
 * are turned into the public {@link DnsResult} types. Carries the TTL the cache needs. Immutable.
 */
sealed interface RRsetAnswer {

    /** Records of the asked type at {@code canonicalName}; ttl is the minimum over every link. */
    record Data(List<Record> records, DnssecStatus status, String canonicalName, long ttlSeconds) implements RRsetAnswer {
        public Data {
            records = List.copyOf(records);
            Objects.requireNonNull(status);
            Objects.requireNonNull(canonicalName);
        }
    }

    /** The final name exists but has no records of the asked type (RFC 2308 NODATA). */
    record NoData(DnssecStatus status, String canonicalName, long ttlSeconds) implements RRsetAnswer {
        public NoData {
            Objects.requireNonNull(status);
            Objects.requireNonNull(canonicalName);
        }
    }

    /** The final name does not exist. */
    record NxDomain(DnssecStatus status, String canonicalName, long ttlSeconds) implements RRsetAnswer {
        public NxDomain {
            Objects.requireNonNull(status);
            Objects.requireNonNull(canonicalName);
        }
    }

    /** SERVFAIL, timeout, malformed reply, bogus data or a broken CNAME chain (DNS-03). */
    record Failed(FailureKind kind, String reason) implements RRsetAnswer {
        public Failed {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(reason);
        }
    }
}
