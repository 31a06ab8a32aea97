package dev.rampart.server.delivery;

import dev.rampart.queue.Envelope;
import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueIdGenerator;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.RecipientUpdate;
import dev.rampart.queue.RecoveryReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** A MessageQueue in memory with the same state rules as the disk queue, for scheduler tests. Thread-safe. */
final class InMemoryQueue implements MessageQueue {
    static final class Entry {
        Envelope envelope;
        final byte[] body;
        QueueState state;
        Instant nextAttempt;

        Entry(Envelope envelope, byte[] body, QueueState state, Instant nextAttempt) {
            this.envelope = envelope;
            this.body = body;
            this.state = state;
            this.nextAttempt = nextAttempt;
        }
    }

    private final InstantSource clock;
    private final QueueIdGenerator ids;
    private final Map<QueueId, Entry> entries = new TreeMap<>();
    final List<QueueId> completed = new ArrayList<>();

    InMemoryQueue(InstantSource clock) {
        this.clock = clock;
        this.ids = new QueueIdGenerator(InstantSource.system());
    }

    /** Adds a committed message directly. */
    synchronized QueueId add(MessageParams params, List<RecipientSpec> recipients, String body) {
        QueueId id = ids.next();
        List<RecipientStatus> rs = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            rs.add(new RecipientStatus(i, recipients.get(i), RecipientState.QUEUED, 0, Instant.EPOCH, "", "", false));
        }
        Instant now = clock.instant();
        entries.put(id, new Entry(new Envelope(id, now, params, rs), body.getBytes(StandardCharsets.UTF_8),
                QueueState.INCOMING, now));
        return id;
    }

    synchronized Entry entry(QueueId id) {
        return entries.get(id);
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    synchronized boolean anyDue(Instant now) {
        return entries.values().stream().anyMatch(e -> (e.state == QueueState.INCOMING || e.state == QueueState.DEFERRED)
                && !e.nextAttempt.isAfter(now));
    }

    @Override
    public RecoveryReport recover() {
        return new RecoveryReport(0, 0, List.of(), entries.size());
    }

    @Override
    public IncomingMessage create(MessageParams params, List<RecipientSpec> recipients) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        QueueId id = ids.next();
        return new IncomingMessage() {
            private boolean committed;

            @Override
            public QueueId id() {
                return id;
            }

            @Override
            public OutputStream body() {
                return out;
            }

            @Override
            public long size() {
                return out.size();
            }

            @Override
            public CompletableFuture<QueueId> commit() {
                committed = true;
                synchronized (InMemoryQueue.this) {
                    List<RecipientStatus> rs = new ArrayList<>();
                    for (int i = 0; i < recipients.size(); i++) {
                        rs.add(new RecipientStatus(i, recipients.get(i), RecipientState.QUEUED, 0, Instant.EPOCH, "", "",
                                false));
                    }
                    Instant now = clock.instant();
                    entries.put(id, new Entry(new Envelope(id, now, params, rs), out.toByteArray(), QueueState.INCOMING,
                            now));
                }
                return CompletableFuture.completedFuture(id);
            }

            @Override
            public void abort() {
            }

            @Override
            public void close() {
                if (!committed) {
                    abort();
                }
            }
        };
    }

    @Override
    public synchronized List<QueueId> claimDue(Instant now, int max) {
        List<QueueId> due = new ArrayList<>();
        for (var e : entries.entrySet()) {
            Entry en = e.getValue();
            if (due.size() >= max) {
                break;
            }
            if ((en.state == QueueState.INCOMING || en.state == QueueState.DEFERRED) && !en.nextAttempt.isAfter(now)) {
                en.state = QueueState.ACTIVE;
                due.add(e.getKey());
            }
        }
        return due;
    }

    @Override
    public synchronized Optional<QueuedMessage> open(QueueId id) {
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        Envelope env = e.envelope;
        byte[] body = e.body;
        return Optional.of(new QueuedMessage() {
            @Override
            public Envelope envelope() {
                return env;
            }

            @Override
            public long bodySize() {
                return body.length;
            }

            @Override
            public InputStream openBody() {
                return new ByteArrayInputStream(body);
            }
        });
    }

    @Override
    public synchronized Envelope update(QueueId id, List<RecipientUpdate> updates) throws IOException {
        Entry e = entries.get(id);
        if (e == null) {
            throw new IOException("no such message " + id);
        }
        List<RecipientStatus> rs = new ArrayList<>(e.envelope.recipients());
        for (RecipientUpdate u : updates) {
            RecipientStatus r = rs.get(u.index());
            rs.set(u.index(), new RecipientStatus(r.index(), r.spec(), u.state(),
                    r.attempts() + (u.countsAsAttempt() ? 1 : 0), u.attemptTime(), u.diagnostic(), u.remoteMta(),
                    u.delayNotified()));
        }
        e.envelope = new Envelope(id, e.envelope.arrival(), e.envelope.params(), rs);
        return e.envelope;
    }

    @Override
    public synchronized void defer(QueueId id, Instant nextAttempt) throws IOException {
        Entry e = entries.get(id);
        if (e == null || e.state != QueueState.ACTIVE) {
            throw new IOException("not active: " + id);
        }
        e.state = QueueState.DEFERRED;
        e.nextAttempt = nextAttempt;
    }

    @Override
    public synchronized void complete(QueueId id) throws IOException {
        Entry e = entries.get(id);
        if (e == null || !e.envelope.allFinal()) {
            throw new IOException("cannot complete " + id);
        }
        entries.remove(id);
        completed.add(id);
    }

    @Override
    public synchronized boolean hold(QueueId id) {
        Entry e = entries.get(id);
        if (e == null) {
            return false;
        }
        e.state = QueueState.HOLD;
        return true;
    }

    @Override
    public synchronized boolean release(QueueId id) {
        Entry e = entries.get(id);
        if (e == null || e.state != QueueState.HOLD) {
            return false;
        }
        e.state = QueueState.DEFERRED;
        return true;
    }

    @Override
    public synchronized boolean delete(QueueId id) {
        return entries.remove(id) != null;
    }

    @Override
    public synchronized int flush() {
        int n = 0;
        Instant now = clock.instant();
        for (Entry e : entries.values()) {
            if (e.state == QueueState.DEFERRED) {
                e.nextAttempt = now;
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized List<QueueEntry> list() {
        return entries.values().stream().map(e -> new QueueEntry(e.envelope, e.state, e.nextAttempt, e.body.length)).toList();
    }

    @Override
    public synchronized Optional<QueueEntry> find(QueueId id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(new QueueEntry(e.envelope, e.state, e.nextAttempt, e.body.length));
    }

    @Override
    public synchronized Optional<Instant> nextDue() {
        return entries.values().stream().filter(e -> e.state == QueueState.DEFERRED || e.state == QueueState.INCOMING)
                .map(e -> e.nextAttempt).min(Instant::compareTo);
    }

    @Override
    public void close() {
    }
}
