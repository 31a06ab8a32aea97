package dev.rampart.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The second half of a commit (QUE-02, SUB-10): renames forced files from {@code tmp/} into
 * {@code incoming/} and flushes {@code incoming/}. One thread does this for everyone: it takes every
 * request waiting when it wakes, renames them all, then flushes the directory once for the whole batch.
 * While it flushes, new requests pile up and form the next batch, so under load many commits share each
 * directory flush and durability does not cap throughput at one flush per message.
 *
 * <p>A future completes only after the directory flush that made its rename durable, and after the
 * message was handed to {@link Publisher} (so the scheduler can see it). It completes on the committer
 * thread: callers must not run blocking continuations on it. If the rename or the flush fails the
 * future fails with the {@link IOException} and the message is removed from both {@code tmp/} and
 * {@code incoming/}: the client was not told "queued", so nothing of it may be scheduled.
 *
 * <p>Thread-safe. {@link #close()} finishes every request submitted before it, then stops the thread.
 */
final class GroupCommitter implements AutoCloseable {
    /** Receives each message once its entry in incoming/ is durable, before its future completes. */
    interface Publisher {
        void published(QueueId id, Instant arrival);
    }

    private record Request(QueueId id, Instant arrival, CompletableFuture<QueueId> done) {}

    private static final Request STOP = new Request(new QueueId("000000000000000000"), Instant.EPOCH,
            new CompletableFuture<>());

    private final Spool spool;
    private final Publisher publisher;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed;

    GroupCommitter(Spool spool, Publisher publisher) {
        this.spool = spool;
        this.publisher = publisher;
        this.thread = Thread.ofPlatform().name("rampart-queue-commit").daemon().unstarted(this::run);
        thread.start();
    }

    /** Queues the rename of {@code tmp/<id>}, whose content and envelope the caller already forced. */
    synchronized CompletableFuture<QueueId> submit(QueueId id, Instant arrival) {
        CompletableFuture<QueueId> done = new CompletableFuture<>();
        if (closed) {
            deleteQuietly(spool.tmpFile(id));
            done.completeExceptionally(new IOException("queue is closed"));
        } else {
            requests.add(new Request(id, arrival, done));
        }
        return done;
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(requests.take());
            } catch (InterruptedException e) {
                // Only close() stops this thread; an interrupt from elsewhere must not strand requests.
                continue;
            }
            requests.drainTo(batch);
            stop = batch.removeIf(r -> r == STOP);
            try {
                commit(batch);
            } catch (RuntimeException | Error e) {
                for (Request r : batch) {
                    r.done().completeExceptionally(e);
                }
            }
            batch.clear();
        }
    }

    private void commit(List<Request> batch) {
        List<Request> renamed = new ArrayList<>(batch.size());
        for (Request r : batch) {
            try {
                Spool.rename(spool.tmpFile(r.id()), spool.file(QueueState.INCOMING, r.id()));
                renamed.add(r);
            } catch (IOException e) {
                deleteQuietly(spool.tmpFile(r.id()));
                r.done().completeExceptionally(e);
            }
        }
        if (renamed.isEmpty()) {
            return;
        }
        try {
            spool.sync(spool.dir(QueueState.INCOMING));
        } catch (IOException e) {
            for (Request r : renamed) {
                deleteQuietly(spool.file(QueueState.INCOMING, r.id()));
                r.done().completeExceptionally(e);
            }
            return;
        }
        for (Request r : renamed) {
            publisher.published(r.id(), r.arrival());
            r.done().complete(r.id());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Left for recover(): a file in tmp/ is deleted there; one in incoming/ is a complete message
            // the client will resend, a duplicate at worst.
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            requests.add(STOP);
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
