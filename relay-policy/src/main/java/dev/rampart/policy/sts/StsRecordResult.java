package dev.rampart.policy.sts;

import java.util.Objects;
import java.util.Optional;

/**
 * What the {@code _mta-sts} TXT lookup says: one usable record, or why there is none. "None" covers a
 * missing RRset, a failed lookup and a malformed record alike (STS-03: malformed = absent); none of them
 * evicts a cached policy (STS-04). Immutable.
 */
public sealed interface StsRecordResult {

    /** Exactly one usable {@code v=STSv1} record. */
    record Found(StsRecord record) implements StsRecordResult {
        public Found {
            Objects.requireNonNull(record);
        }
    }

    /** No usable record; {@code reason} is for logs and {@code policy explain}. */
    record Absent(String reason) implements StsRecordResult {
        public Absent {
            Objects.requireNonNull(reason);
        }
    }

    static StsRecordResult absent(String reason) {
        return new Absent(reason);
    }

    default Optional<StsRecord> found() {
        return switch (this) {
            case Found f -> Optional.of(f.record());
            case Absent a -> Optional.empty();
        };
    }
}
