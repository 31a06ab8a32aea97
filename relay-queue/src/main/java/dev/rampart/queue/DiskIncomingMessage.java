package dev.rampart.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * A message being written to {@code tmp/<id>} ({@link QueueFileFormat}). The header goes to disk at
 * creation, the body streams through a fixed buffer (never the whole message in memory), and
 * {@link #commit()} appends the end record, fills in the body length, forces the file in the caller's
 * thread and hands the rename to the {@link GroupCommitter}. The end record goes last: until the commit
 * future completes, nothing of the message is visible outside {@code tmp/}, and recovery deletes
 * {@code tmp/}.
 *
 * <p>Body writes come from one thread at a time (the session's); the life-cycle methods are
 * synchronized so an abort racing a commit is harmless. Any write failure leaves the message aborted
 * and its file deleted.
 */
final class DiskIncomingMessage implements IncomingMessage {
    private static final int BUFFER = 64 * 1024;

    private enum Phase { OPEN, COMMITTING, ABORTED }

    private final QueueId id;
    private final Instant arrival;
    private final Path tmpFile;
    private final GroupCommitter committer;
    private final QueueFileFormat.Header header;
    private final int recipientCount;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final BodyStream body = new BodyStream();
    private long size;
    private Phase phase = Phase.OPEN;
    private CompletableFuture<QueueId> commitResult;

    private DiskIncomingMessage(QueueId id, Instant arrival, Path tmpFile, GroupCommitter committer,
                                QueueFileFormat.Header header, int recipientCount, FileChannel channel) {
        this.id = id;
        this.arrival = arrival;
        this.tmpFile = tmpFile;
        this.committer = committer;
        this.header = header;
        this.recipientCount = recipientCount;
        this.channel = channel;
    }

    static DiskIncomingMessage create(QueueId id, Instant arrival, Path tmpFile, GroupCommitter committer,
                                      QueueFileFormat.Header header, int recipientCount) throws IOException {
        FileChannel ch = FileChannel.open(tmpFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer h = ByteBuffer.wrap(header.bytes());
            while (h.hasRemaining()) {
                ch.write(h);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmpFile);
            throw e;
        }
        DiskIncomingMessage m = new DiskIncomingMessage(id, arrival, tmpFile, committer, header, recipientCount, ch);
        m.crc.update(header.bytes(), header.recordsOffset(), header.length() - header.recordsOffset());
        return m;
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
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized CompletableFuture<QueueId> commit() {
        switch (phase) {
            case COMMITTING -> {
                return commitResult;
            }
            case ABORTED -> {
                return CompletableFuture.failedFuture(new IOException("message " + id + " was aborted"));
            }
            case OPEN -> { }
        }
        try {
            flushBuffer();
            byte[] preamble = QueueFileFormat.preamble(size, header.length(), recipientCount);
            crc.update(preamble);
            writeAt(QueueFileFormat.endRecord((int) crc.getValue()), header.length() + size);
            writeAt(preamble, 0);
            channel.force(true);
            channel.close();
        } catch (IOException | RuntimeException e) {
            discard();
            return CompletableFuture.failedFuture(e);
        }
        phase = Phase.COMMITTING;
        commitResult = committer.submit(id, arrival);
        return commitResult;
    }

    @Override
    public synchronized void abort() {
        if (phase == Phase.OPEN) {
            discard();
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void discard() {
        phase = Phase.ABORTED;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file is deleted next; nothing of it matters any more
        }
        try {
            Files.deleteIfExists(tmpFile);
        } catch (IOException ignored) {
            // recover() deletes tmp/ leftovers at the next start
        }
    }

    private void writeAt(byte[] bytes, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            position += channel.write(b, position);
        }
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private synchronized void append(byte[] b, int off, int len) throws IOException {
        if (phase != Phase.OPEN) {
            throw new IOException("message " + id + " is no longer open for writing (" + phase + ")");
        }
        try {
            while (len > 0) {
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
                size += n;
                if (!buffer.hasRemaining()) {
                    flushBuffer();
                }
            }
        } catch (IOException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** The session's view of the body; {@link #close()} only flushes, the message stays open for commit. */
    private final class BodyStream extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            synchronized (DiskIncomingMessage.this) {
                one[0] = (byte) b;
                append(one, 0, 1);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            append(b, off, len);
        }

        @Override
        public void close() {
            // Closing the stream (try-with-resources in the session) must not end the message: commit does.
        }
    }
}
