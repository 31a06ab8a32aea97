package dev.rampart.server.admin;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Envelope;
import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.RecipientUpdate;
import dev.rampart.queue.RecoveryReport;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** In-memory queue for admin/CLI tests: only the operator operations are implemented. Thread-safe. */
public final class FakeQueue implements MessageQueue {
    private final Map<QueueId, QueueEntry> entries = new TreeMap<>();
    private IOException failure;

    public synchronized void put(QueueEntry entry) {
        entries.put(entry.envelope().id(), entry);
    }

    /** Every later call fails with this exception (a broken disk). */
    public synchronized void failWith(IOException e) {
        failure = e;
    }

    public synchronized Optional<QueueState> stateOf(QueueId id) {
        return Optional.ofNullable(entries.get(id)).map(QueueEntry::state);
    }

    private void check() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    /** A message with the given recipients (address, state, attempts, last reply). */
    public static QueueEntry entry(String id, String sender, QueueState state, Instant arrival, Instant next,
                                   long size, List<RecipientStatus> recipients) {
        MessageParams params = new MessageParams(sender, BodyType.SEVEN_BIT, false, "", Ret.HDRS, TlsTag.DEFAULT,
                "client.example [192.0.2.1]", "");
        return new QueueEntry(new Envelope(QueueId.parse(id), arrival, params, recipients), state, next, size);
    }

    public static RecipientStatus recipient(int index, String address, RecipientState state, int attempts, String reply) {
        return new RecipientStatus(index, RecipientSpec.of(address), state, attempts, Instant.EPOCH, reply, "", false);
    }

    @Override
    public RecoveryReport recover() {
        return new RecoveryReport(0, 0, List.of(), entries.size());
    }

    @Override
    public IncomingMessage create(MessageParams params, List<RecipientSpec> recipients) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<QueueId> claimDue(Instant now, int max) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<QueuedMessage> open(QueueId id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Envelope update(QueueId id, List<RecipientUpdate> updates) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void defer(QueueId id, Instant nextAttempt) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void complete(QueueId id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized boolean hold(QueueId id) throws IOException {
        check();
        QueueEntry e = entries.get(id);
        if (e == null || e.state() == QueueState.HOLD || e.state() == QueueState.ACTIVE) {
            return false;
        }
        entries.put(id, new QueueEntry(e.envelope(), QueueState.HOLD, e.nextAttempt(), e.size()));
        return true;
    }

    @Override
    public synchronized boolean release(QueueId id) throws IOException {
        check();
        QueueEntry e = entries.get(id);
        if (e == null || e.state() != QueueState.HOLD) {
            return false;
        }
        entries.put(id, new QueueEntry(e.envelope(), QueueState.INCOMING, e.nextAttempt(), e.size()));
        return true;
    }

    @Override
    public synchronized boolean delete(QueueId id) throws IOException {
        check();
        return entries.remove(id) != null;
    }

    @Override
    public synchronized int flush() throws IOException {
        check();
        int n = 0;
        for (QueueEntry e : new ArrayList<>(entries.values())) {
            if (e.state() == QueueState.DEFERRED) {
                entries.put(e.envelope().id(), new QueueEntry(e.envelope(), QueueState.INCOMING, e.nextAttempt(), e.size()));
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized List<QueueEntry> list() throws IOException {
        check();
        return List.copyOf(entries.values());
    }

    @Override
    public synchronized Optional<QueueEntry> find(QueueId id) throws IOException {
        check();
        return Optional.ofNullable(entries.get(id));
    }

    @Override
    public synchronized Optional<Instant> nextDue() throws IOException {
        check();
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
