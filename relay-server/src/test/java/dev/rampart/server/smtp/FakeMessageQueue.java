package dev.rampart.server.smtp;

import dev.rampart.queue.Envelope;
import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueEntry;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueIdGenerator;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientUpdate;
import dev.rampart.queue.RecoveryReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * In-memory stand-in for the disk queue: records what the listener stores. Content is kept in memory up to
 * {@link #KEEP_LIMIT} octets; beyond that only its size, SHA-256 and the largest single write are kept, so
 * a 50 MB test does not need 50 MB of heap here either. Thread-safe.
 */
final class FakeMessageQueue implements MessageQueue {
    static final int KEEP_LIMIT = 4 * 1024 * 1024;

    /** A committed message. */
    record Stored(QueueId id, MessageParams params, List<RecipientSpec> recipients, byte[] content, long size,
                  String sha256, int largestWrite, String writerThread) {
        String text() {
            return new String(content, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final QueueIdGenerator ids = new QueueIdGenerator(Clock.systemUTC());
    final List<Stored> committed = new CopyOnWriteArrayList<>();
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger aborted = new AtomicInteger();
    final AtomicBoolean failCreate = new AtomicBoolean();
    final AtomicBoolean failCommit = new AtomicBoolean();
    /** When set, commits wait for this future before completing. */
    final AtomicReference<CompletableFuture<Void>> commitGate = new AtomicReference<>();

    @Override
    public IncomingMessage create(MessageParams params, List<RecipientSpec> recipients) throws IOException {
        if (Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread) {
            throw new AssertionError("queue called on an event loop");
        }
        if (failCreate.get()) {
            throw new IOException("disk full (test)");
        }
        created.incrementAndGet();
        return new Incoming(ids.next(), params, List.copyOf(recipients));
    }

    private final class Incoming implements IncomingMessage {
        private final QueueId id;
        private final MessageParams params;
        private final List<RecipientSpec> recipients;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final MessageDigest sha;
        private long size;
        private int largestWrite;
        private String writerThread = "";
        private boolean done;
        private final OutputStream body = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (done) {
                    throw new IllegalStateException("write after commit/abort");
                }
                writerThread = Thread.currentThread().getName();
                sha.update(b, off, len);
                size += len;
                largestWrite = Math.max(largestWrite, len);
                if (kept.size() + len <= KEEP_LIMIT) {
                    kept.write(b, off, len);
                }
            }
        };

        Incoming(QueueId id, MessageParams params, List<RecipientSpec> recipients) {
            this.id = id;
            this.params = params;
            this.recipients = recipients;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public QueueId id() {
            return id;
        }

        @Override
        public OutputStream body() {
            return body;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public CompletableFuture<QueueId> commit() {
            done = true;
            if (failCommit.get()) {
                return CompletableFuture.failedFuture(new IOException("fsync failed (test)"));
            }
            CompletableFuture<Void> gate = commitGate.get();
            CompletableFuture<Void> wait = gate == null ? CompletableFuture.completedFuture(null) : gate;
            return wait.thenApply(v -> {
                committed.add(new Stored(id, params, recipients, kept.toByteArray(), size,
                        HexFormat.of().formatHex(sha.digest()), largestWrite, writerThread));
                return id;
            });
        }

        @Override
        public void abort() {
            if (!done) {
                done = true;
                aborted.incrementAndGet();
            }
        }

        @Override
        public void close() {
            abort();
        }
    }

    Stored only() {
        if (committed.size() != 1) {
            throw new AssertionError("expected exactly one committed message, got " + committed.size());
        }
        return committed.get(0);
    }

    // --- not used by the listener -------------------------------------------------------------------

    @Override
    public RecoveryReport recover() {
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
    public boolean hold(QueueId id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean release(QueueId id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(QueueId id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int flush() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<QueueEntry> list() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<QueueEntry> find(QueueId id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Instant> nextDue() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
