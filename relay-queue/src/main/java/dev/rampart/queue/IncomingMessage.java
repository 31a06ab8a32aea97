package dev.rampart.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A message being received. Content is written through {@link #body()} (raw RFC 5322 octets, CRLF line
 * ends, already dot-unstuffed), from one thread at a time; all methods may block on disk I/O and must
 * not be called on an event loop.
 *
 * <p>{@link #commit()} completes only once content and envelope are on stable storage and the message is
 * visible in {@code incoming/} (data fsync, atomic rename, directory fsync; QUE-02). Commits of many
 * messages share flushes (group commit). A failed commit completes exceptionally and leaves nothing
 * behind. {@link #abort()} discards the message; it is a no-op after a commit.
 */
public interface IncomingMessage extends AutoCloseable {
    QueueId id();

    OutputStream body();

    /** Octets written so far. */
    long size();

    CompletableFuture<QueueId> commit();

    void abort();

    /** Same as {@link #abort()} unless committed. */
    @Override
    void close() throws IOException;
}
