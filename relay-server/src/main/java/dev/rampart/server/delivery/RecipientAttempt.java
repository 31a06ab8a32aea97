package dev.rampart.server.delivery;

import dev.rampart.queue.RecipientStatus;
import java.util.Objects;

/**
 * The final outcome of one delivery attempt for one recipient: its verdict (never TRY_NEXT_HOST), the
 * server that gave it, the TLS seen there and the policy that governed it ({@code policy=} of the
 * delivery log: {@code none}, {@code dane}, {@code dane-only}). {@code peerLacksDsn} is true when the recipient was
 * delivered to a server without DSN (a "relayed" notice may be due, QUE-14).
 */
public record RecipientAttempt(RecipientStatus recipient, Verdict verdict, RelayInfo relay, ObservedTls tls,
                               boolean peerLacksDsn, String policy) {
    /** An outcome no TLS policy played a part in ({@code policy=none}). */
    public RecipientAttempt(RecipientStatus recipient, Verdict verdict, RelayInfo relay, ObservedTls tls,
                            boolean peerLacksDsn) {
        this(recipient, verdict, relay, tls, peerLacksDsn, "none");
    }

    public RecipientAttempt {
        Objects.requireNonNull(policy);
        Objects.requireNonNull(recipient);
        Objects.requireNonNull(verdict);
        Objects.requireNonNull(relay);
        Objects.requireNonNull(tls);
        if (verdict.disposition() == Disposition.TRY_NEXT_HOST) {
            throw new IllegalArgumentException("an attempt ends in DELIVERED, DEFER or BOUNCE");
        }
    }
}
