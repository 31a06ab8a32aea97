package dev.rampart.server.delivery;

import dev.rampart.queue.RecipientStatus;
import java.util.Objects;

/**
 * The final outcome of one delivery attempt for one recipient: its verdict (never TRY_NEXT_HOST), the
 * server that gave it and the TLS seen there. {@code peerLacksDsn} is true when the recipient was
 * delivered to a server without DSN (a "relayed" notice may be due, QUE-14).
 */
public record RecipientAttempt(RecipientStatus recipient, Verdict verdict, RelayInfo relay, ObservedTls tls,
                               boolean peerLacksDsn) {
    public RecipientAttempt {
        Objects.requireNonNull(recipient);
        Objects.requireNonNull(verdict);
        Objects.requireNonNull(relay);
        Objects.requireNonNull(tls);
        if (verdict.disposition() == Disposition.TRY_NEXT_HOST) {
            throw new IllegalArgumentException("an attempt ends in DELIVERED, DEFER or BOUNCE");
        }
    }
}
