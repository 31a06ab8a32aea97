package dev.rampart.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A listing row: a committed message, its state directory, when it is next due (arrival time for
 * INCOMING/ACTIVE, the file's next-attempt time for DEFERRED) and the size of its content in octets.
 */
public record QueueEntry(Envelope envelope, QueueState state, Instant nextAttempt, long size) {
    public QueueEntry {
        Objects.requireNonNull(envelope);
        Objects.requireNonNull(state);
        Objects.requireNonNull(nextAttempt);
    }
}
