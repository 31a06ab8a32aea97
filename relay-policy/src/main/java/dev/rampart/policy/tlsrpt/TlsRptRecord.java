package dev.rampart.policy.tlsrpt;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code _smtp._tls.<domain>} says (RFC 8460 §3, REP-01): where reports go, or why nowhere.
 * Immutable.
 */
public sealed interface TlsRptRecord {

    /** A valid record with at least one usable {@code rua} URI, in the order published. */
    record Found(List<Destination> rua) implements TlsRptRecord {
        public Found {
            rua = List.copyOf(rua);
            if (rua.isEmpty()) {
                throw new IllegalArgumentException("a TLS-RPT record has at least one rua destination");
            }
        }
    }

    /** No report goes to this domain (REP-02: that day's data for it is discarded). */
    record Absent(String reason) implements TlsRptRecord {
        public Absent {
            Objects.requireNonNull(reason);
        }
    }

    /** One {@code rua} URI we can deliver to. */
    sealed interface Destination {
        /** The URI as published, for logs. */
        String uri();

        /** {@code mailto:} one address (RFC 6068; header fields in the URI are not used). */
        record Mailto(String uri, String address) implements Destination {
            public Mailto {
                Objects.requireNonNull(uri);
                Objects.requireNonNull(address);
            }
        }

        /** {@code https:} POST endpoint (REP-13). */
        record Https(String uri, URI target) implements Destination {
            public Https {
                Objects.requireNonNull(uri);
                Objects.requireNonNull(target);
            }
        }
    }

    default Optional<List<Destination>> destinations() {
        return switch (this) {
            case Found f -> Optional.of(f.rua());
            case Absent a -> Optional.empty();
        };
    }
}
