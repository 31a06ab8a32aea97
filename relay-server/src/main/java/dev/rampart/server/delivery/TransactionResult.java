package dev.rampart.server.delivery;

import dev.rampart.queue.RecipientStatus;
import java.util.List;
import java.util.Objects;

/**
 * What one transaction did for each recipient, in the order given.
 *
 * @param outcomes    one per recipient
 * @param peerDsn     the peer offered DSN (else a NOTIFY=SUCCESS recipient gets a "relayed" notice, QUE-14)
 */
public record TransactionResult(List<RecipientOutcome> outcomes, boolean peerDsn) {
    public TransactionResult {
        outcomes = List.copyOf(outcomes);
    }

    /** A recipient and the verdict for it. */
    public record RecipientOutcome(RecipientStatus recipient, Verdict verdict) {
        public RecipientOutcome {
            Objects.requireNonNull(recipient);
            Objects.requireNonNull(verdict);
        }
    }

    static TransactionResult all(List<RecipientStatus> recipients, Verdict verdict, boolean peerDsn) {
        return new TransactionResult(recipients.stream().map(r -> new RecipientOutcome(r, verdict)).toList(), peerDsn);
    }
}
