package dev.rampart.server.cli;

import dev.rampart.queue.Envelope;
import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientUpdate;
import dev.rampart.queue.RecoveryReport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stands in for the disk queue until {@code serve} opens the real one: every operation fails with an
 * {@link IOException} that says so, which the admin API reports as 503 and /readyz as not ready. It never
 * accepts mail, so nothing can be lost through it. Thread-safe (stateless).
 */
final class UnwiredQueue implements MessageQueue {
    private final Path dir;

    UnwiredQueue(Path dir) {
        this.dir = dir;
    }

    private IOException unavailable() {
        return new IOException("the disk queue at " + dir + " is not wired into this build yet");
    }

    @Override
    public RecoveryReport recover() throws IOException {
        throw unavailable();
    }

    @Override
    public IncomingMessage create(MessageParams params, List<RecipientSpec> recipients) throws IOException {
        throw unavailable();
    }

    @Override
    public List<QueueId> claimDue(Instant now, int max) throws IOException {
        throw unavailable();
    }

    @Override
    public Optional<QueuedMessage> open(QueueId id) throws IOException {
        throw unavailable();
    }

    @Override
    public Envelope update(QueueId id, List<RecipientUpdate> updates) throws IOException {
        throw unavailable();
    }

    @Override
    public void defer(QueueId id, Instant nextAttempt) throws IOException {
        throw unavailable();
    }

    @Override
    public void complete(QueueId id) throws IOException {
        throw unavailable();
    }

    @Override
    public boolean hold(QueueId id) throws IOException {
        throw unavailable();
    }

    @Override
    public boolean release(QueueId id) throws IOException {
        throw unavailable();
    }

    @Override
    public boolean delete(QueueId id) throws IOException {
        throw unavailable();
    }

    @Override
    public int flush() throws IOException {
        throw unavailable();
    }

    @Override
    public List<QueueEntry> list() throws IOException {
        throw unavailable();
    }

    @Override
    public Optional<QueueEntry> find(QueueId id) throws IOException {
        throw unavailable();
    }

    @Override
    public Optional<Instant> nextDue() throws IOException {
        throw unavailable();
    }

    @Override
    public void close() {
        // nothing was opened
    }
}
