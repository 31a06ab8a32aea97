package dev.rampart.policy.dns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one DNS question, with its DNSSEC status (DNS-01..DNS-04). CNAME chains are already
 * followed: {@code canonicalName} is the final owner name, and the status covers every link.
 * A secure or insecure NXDOMAIN/NODATA is an answer, not an error (DNS-02); SERVFAIL, timeout,
 * malformed replies and bogus data are all {@link Failure} (DNS-03).
 */
public sealed interface DnsResult<T> {

    record Records<T>(List<T> records, DnssecStatus status, String canonicalName, Duration ttl) implements DnsResult<T> {
        public Records {
            records = List.copyOf(records);
            Objects.requireNonNull(status);
            Objects.requireNonNull(canonicalName);
            Objects.requireNonNull(ttl);
        }
    }

    record NoData<T>(DnssecStatus status, String canonicalName) implements DnsResult<T> {
        public NoData {
            Objects.requireNonNull(status);
            Objects.requireNonNull(canonicalName);
        }
    }

    record NxDomain<T>(DnssecStatus status, String canonicalName) implements DnsResult<T> {
        public NxDomain {
            Objects.requireNonNull(status);
            Objects.requireNonNull(canonicalName);
        }
    }

    record Failure<T>(FailureKind kind, String reason) implements DnsResult<T> {
        public Failure {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(reason);
        }
    }

    enum FailureKind { SERVFAIL, TIMEOUT, MALFORMED, BOGUS, CNAME_LOOP }
}
