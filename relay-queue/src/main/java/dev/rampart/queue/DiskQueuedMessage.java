package dev.rampart.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A committed message as read from its queue file: the envelope at the time it was opened, and its body
 * streamed on demand. Each {@link #openBody()} opens the file where it is at that moment (the message
 * may have moved between state directories since) and reads exactly the body octets through a buffer;
 * an open stream keeps working across later renames. Immutable; each returned stream is for one thread.
 */
final class DiskQueuedMessage implements QueuedMessage {
    /** Opens the message's current file for reading; supplied by the queue, which knows where it is. */
    interface Locator {
        FileChannel open() throws IOException;
    }

    private final Envelope envelope;
    private final long bodyOffset;
    private final long bodySize;
    private final Locator locator;

    DiskQueuedMessage(Envelope envelope, long bodyOffset, long bodySize, Locator locator) {
        this.envelope = envelope;
        this.bodyOffset = bodyOffset;
        this.bodySize = bodySize;
        this.locator = locator;
    }

    @Override
    public Envelope envelope() {
        return envelope;
    }

    @Override
    public long bodySize() {
        return bodySize;
    }

    @Override
    public InputStream openBody() throws IOException {
        return new BodyInputStream(locator.open(), bodyOffset, bodySize);
    }

    /** Reads [offset, offset+length) of a channel with positional reads; closing it closes the channel. */
    private static final class BodyInputStream extends InputStream {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).limit(0);
        private long position;
        private final long end;

        BodyInputStream(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        private boolean fill() throws IOException {
            if (buffer.hasRemaining()) {
                return true;
            }
            long left = end - position;
            if (left <= 0) {
                return false;
            }
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("queue file shorter than its recorded body length");
            }
            position += n;
            buffer.flip();
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, buffer.remaining() + (end - position));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
