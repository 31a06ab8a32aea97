package dev.rampart.server.smtp;

import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.TlsTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the content of one transaction into the queue. Content arrives on the event loop; every queue
 * call (create, write, commit, abort) runs on the session's {@link SerialExecutor}, in order, so the event
 * loop never blocks and a 50 MB message never sits in heap.
 *
 * <p>The queue entry is created only once the header section has been seen (or
 * {@value #HEADER_BUFFER_LIMIT} octets of it), because the envelope records the {@code TLS-Required: No}
 * tag (SUB-23) and the mail-loop check (QUE-20) needs the {@code Received:} count. Until then content is
 * held in small buffers; afterwards each piece is handed to the executor and released once written.
 *
 * <p>Backpressure: {@link #congested()} turns true above {@value #HIGH_WATER} octets pending and false again
 * below {@value #LOW_WATER}, at which point {@code onDrained} runs (on an executor thread).
 *
 * <p>Threading: {@link #content}, {@link #finish} and {@link #abort} on the event loop only. Failure: any
 * storage error leads to a {@code 451 4.3.0} outcome and an aborted entry; nothing partial is committed.
 */
final class MessageReceiver {
    static final int HEADER_BUFFER_LIMIT = 128 * 1024;
    static final long HIGH_WATER = 1024 * 1024;
    static final long LOW_WATER = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger("rampart.smtp");

    /** How a transaction ended. */
    sealed interface Outcome {
        record Queued(QueueId id, long size) implements Outcome {}

        record Rejected(SmtpReply reply, RejectReason reason) implements Outcome {}
    }

    private final MessageQueue queue;
    private final Executor serial;
    private final MessageParams params;
    private final List<RecipientSpec> recipients;
    private final long maxSize;
    private final int maxReceived;
    private final Function<QueueId, byte[]> receivedHeader;
    private final Consumer<QueueId> onQueued;
    private final Runnable onDrained;
    private final ByteBufAllocator alloc;
    private final ContentDecoder bdatDecoder;

    // event loop only
    private final HeaderScanner headers = new HeaderScanner();
    private final List<ByteBuf> held = new ArrayList<>();
    private long heldBytes;
    private long size;
    private boolean opened;
    private boolean tooBig;
    private boolean loop;
    private boolean bareCrOrLf;
    private boolean lineTooLong;
    private boolean aborted;

    // serial executor only (the executor's hand-off orders the accesses)
    private volatile IncomingMessage message;
    private volatile IOException failure;

    private final AtomicLong pending = new AtomicLong();
    private volatile boolean congested;

    /**
     * @param params  envelope data; its TLS tag is DEFAULT or REQUIRE_TLS and may become TLS_OPTIONAL
     * @param bdat    content comes raw from BDAT chunks (checked here) instead of decoded DATA
     */
    MessageReceiver(MessageQueue queue, Executor serial, MessageParams params, List<RecipientSpec> recipients,
                    long maxSize, int maxReceived, Function<QueueId, byte[]> receivedHeader,
                    Consumer<QueueId> onQueued, Runnable onDrained, ByteBufAllocator alloc, boolean bdat) {
        this.queue = queue;
        this.serial = serial;
        this.params = params;
        this.recipients = List.copyOf(recipients);
        this.maxSize = maxSize;
        this.maxReceived = maxReceived;
        this.receivedHeader = receivedHeader;
        this.onQueued = onQueued;
        this.onDrained = onDrained;
        this.alloc = alloc;
        this.bdatDecoder = bdat ? new ContentDecoder(false) : null;
    }

    /** Takes ownership of {@code piece}. */
    void content(ByteBuf piece) {
        if (bdatDecoder == null) {
            accept(piece);
            return;
        }
        ByteBuf out = alloc.buffer(piece.readableBytes());
        try {
            bdatDecoder.decode(piece, out);
        } finally {
            piece.release();
        }
        accept(out);
    }

    /** What the DATA decoder noticed at the end marker. */
    void dataEnded(boolean bareCrOrLf, boolean lineTooLong) {
        this.bareCrOrLf |= bareCrOrLf;
        this.lineTooLong |= lineTooLong;
    }

    long size() {
        return size;
    }

    boolean tooBig() {
        return tooBig;
    }

    boolean congested() {
        return congested;
    }

    private void accept(ByteBuf buf) {
        if (tooBig || loop || aborted) {
            buf.release();
            return;
        }
        if (!buf.isReadable()) {
            buf.release();
            return;
        }
        size += buf.readableBytes();
        if (size > maxSize) {
            tooBig = true; // SUB-14: keep reading to the end, store nothing more
            buf.release();
            dropStorage();
            return;
        }
        if (opened) {
            write(buf);
            return;
        }
        headers.scan(buf);
        held.add(buf);
        heldBytes += buf.readableBytes();
        if (headers.done() || heldBytes >= HEADER_BUFFER_LIMIT) {
            open();
        }
    }

    private void open() {
        opened = true;
        if (headers.receivedCount() >= maxReceived) {
            loop = true; // QUE-20: decided after data, nothing is stored
            releaseHeld();
            return;
        }
        TlsTag tag = params.tls() == TlsTag.REQUIRE_TLS ? TlsTag.REQUIRE_TLS
                : headers.tlsRequiredNo() ? TlsTag.TLS_OPTIONAL : params.tls();
        MessageParams finalParams = new MessageParams(params.sender(), params.body(), params.smtpUtf8(),
                params.envId(), params.ret(), tag, params.client(), params.authUser());
        serial.execute(() -> {
            try {
                IncomingMessage m = queue.create(finalParams, recipients);
                message = m;
                m.body().write(receivedHeader.apply(m.id()));
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                abortQuietly();
            }
        });
        List<ByteBuf> pieces = List.copyOf(held);
        held.clear();
        heldBytes = 0;
        for (ByteBuf piece : pieces) {
            write(piece);
        }
    }

    private void write(ByteBuf buf) {
        int n = buf.readableBytes();
        if (pending.addAndGet(n) > HIGH_WATER) {
            congested = true;
        }
        serial.execute(() -> {
            try {
                IncomingMessage m = message;
                if (m != null && failure == null) {
                    buf.readBytes(m.body(), n);
                }
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                abortQuietly();
            } finally {
                buf.release();
                if (pending.addAndGet(-n) < LOW_WATER && congested) {
                    congested = false;
                    onDrained.run();
                }
            }
        });
    }

    /**
     * The content is complete: decide, then commit or abort. The future completes on some other thread, and
     * only after the entry is durable (SUB-10) or known to be refused.
     */
    CompletableFuture<Outcome> finish() {
        if (bdatDecoder != null) {
            byte[] tail = bdatDecoder.finish();
            if (tail.length > 0) {
                accept(Unpooled.wrappedBuffer(tail));
            }
            bareCrOrLf |= bdatDecoder.bareCrOrLf();
            lineTooLong |= bdatDecoder.lineTooLong();
        }
        headers.finish();
        Outcome.Rejected refusal = refusal();
        if (refusal == null && !opened) {
            open(); // a short message: create the entry now, unless the loop check refuses it
            refusal = refusal();
        }
        if (refusal != null) {
            dropStorage();
            return CompletableFuture.completedFuture(refusal);
        }
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        long finalSize = size;
        serial.execute(() -> {
            IncomingMessage m = message;
            if (m == null || failure != null) {
                LOG.warn("queue write failed: {}", failure == null ? "no message" : failure.toString());
                result.complete(storageError(failure));
                return;
            }
            CompletableFuture<QueueId> commit;
            try {
                commit = m.commit();
            } catch (RuntimeException e) {
                commit = CompletableFuture.failedFuture(e);
            }
            commit.whenComplete((id, err) -> {
                if (err != null) {
                    LOG.warn("queue commit failed: {}", err.toString());
                    result.complete(storageError(err));
                    return;
                }
                try {
                    onQueued.accept(id);
                } catch (RuntimeException e) {
                    LOG.error("queue wake-up hook failed", e);
                }
                result.complete(new Outcome.Queued(id, finalSize));
            });
        });
        return result;
    }

    private Outcome.Rejected refusal() {
        if (tooBig) {
            return new Outcome.Rejected(SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit"),
                    RejectReason.MESSAGE_TOO_BIG);
        }
        if (bareCrOrLf) {
            return new Outcome.Rejected(SmtpReply.of(550, "5.5.2", "Message contains bare CR or LF"),
                    RejectReason.BARE_CR_LF);
        }
        if (lineTooLong) {
            return new Outcome.Rejected(SmtpReply.of(500, "5.5.2", "Line too long (RFC 5321 limit is 1000 octets)"),
                    RejectReason.LINE_TOO_LONG);
        }
        if (loop) {
            return new Outcome.Rejected(SmtpReply.of(554, "5.4.6", "Too many Received headers (mail loop?)"),
                    RejectReason.MAIL_LOOP);
        }
        return null;
    }

    /** 452 4.3.1 when the disk is full (RFC 1870 §6.1, SUB-14), else 451 4.3.0; both temporary. */
    static Outcome.Rejected storageError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String text = t.getMessage();
            if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
                return new Outcome.Rejected(SmtpReply.of(452, "4.3.1", "Insufficient system storage"),
                        RejectReason.STORAGE_ERROR);
            }
        }
        return new Outcome.Rejected(SmtpReply.of(451, "4.3.0", "Error: queue file write error, try again later"),
                RejectReason.STORAGE_ERROR);
    }

    /** The transaction was abandoned (RSET, connection lost, shutdown): nothing is kept. */
    void abort() {
        dropStorage();
    }

    private void dropStorage() {
        releaseHeld();
        if (!aborted) {
            aborted = true;
            serial.execute(this::abortQuietly);
        }
    }

    private void abortQuietly() {
        IncomingMessage m = message;
        message = null;
        if (m != null) {
            try {
                m.abort();
            } catch (RuntimeException e) {
                LOG.warn("queue abort failed: {}", e.toString());
            }
        }
    }

    private void releaseHeld() {
        for (ByteBuf b : held) {
            b.release();
        }
        held.clear();
        heldBytes = 0;
    }
}
