package dev.rampart.queue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable message queue (design.md "The queue on disk"). Thread-safe. Every method may block on
 * disk I/O: never call from an event loop. Mutations are durable when they return.
 *
 * <p>Life cycle of a message: {@link #create} → {@link IncomingMessage#commit()} (INCOMING) →
 * {@link #claimDue} (ACTIVE) → {@link #update} per attempt → {@link #defer} (DEFERRED, due again at a
 * time) or {@link #complete} (gone, once every recipient is final). {@link #hold}/{@link #release} move
 * a message out of / back into scheduling.
 */
public interface MessageQueue extends AutoCloseable {

    /** Run once at start before anything else: active→incoming, drop tmp leftovers, quarantine corrupt files. */
    RecoveryReport recover() throws IOException;

    /** Starts a new message; nothing is visible to the scheduler until it is committed. */
    IncomingMessage create(MessageParams params, List<RecipientSpec> recipients) throws IOException;

    /**
     * Moves up to {@code max} messages that are due at {@code now} (all of INCOMING, DEFERRED whose next
     * attempt is ≤ now), oldest first, to ACTIVE and returns their ids.
     */
    List<QueueId> claimDue(Instant now, int max) throws IOException;

    /** Opens a committed message in any state. Empty if no such message. */
    Optional<QueuedMessage> open(QueueId id) throws IOException;

    /** Durably records attempt outcomes for some recipients of a message (ACTIVE, usually). */
    Envelope update(QueueId id, List<RecipientUpdate> updates) throws IOException;

    /** ACTIVE → DEFERRED, next due at {@code nextAttempt}. */
    void defer(QueueId id, Instant nextAttempt) throws IOException;

    /** Removes a message whose recipients are all final. */
    void complete(QueueId id) throws IOException;

    /** Operator commands; false when there is no such message (or it is not in a state the command applies to). */
    boolean hold(QueueId id) throws IOException;

    boolean release(QueueId id) throws IOException;

    boolean delete(QueueId id) throws IOException;

    /** Makes every DEFERRED message due now; returns how many. */
    int flush() throws IOException;

    /** Every committed message, oldest first. */
    List<QueueEntry> list() throws IOException;

    Optional<QueueEntry> find(QueueId id) throws IOException;

    /** When the earliest DEFERRED message becomes due, if any (lets the scheduler sleep precisely). */
    Optional<Instant> nextDue() throws IOException;

    @Override
    void close() throws IOException;
}
