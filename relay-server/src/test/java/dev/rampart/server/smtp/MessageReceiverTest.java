package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The receiver with a hand-cranked executor, so backpressure and ordering are observed step by step
 * instead of raced against.
 */
class MessageReceiverTest {

    /** Runs tasks only when the test says so. */
    private static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    private final FakeMessageQueue queue = new FakeMessageQueue();
    private final ManualExecutor io = new ManualExecutor();
    private final AtomicInteger drained = new AtomicInteger();

    private MessageReceiver receiver(long maxSize) {
        MessageParams params = new MessageParams("a@a.example", BodyType.SEVEN_BIT, false, "", Ret.UNSPECIFIED,
                TlsTag.DEFAULT, "c [127.0.0.1]", "");
        return new MessageReceiver(queue, io, params, List.of(RecipientSpec.of("r@b.example")), maxSize, 30,
                (QueueId id) -> ("Received: x; " + id + "\r\n").getBytes(StandardCharsets.US_ASCII), id -> { },
                drained::incrementAndGet, ByteBufAllocator.DEFAULT, false);
    }

    @Test
    void backpressureTurnsOnAboveHighWaterAndOffOnceTheWriterCatchesUp() throws Exception {
        MessageReceiver r = receiver(100L * 1024 * 1024);
        r.content(Unpooled.copiedBuffer("Subject: x\r\n\r\n", StandardCharsets.US_ASCII));
        byte[] block = new byte[64 * 1024];
        int blocks = 0;
        while (!r.congested()) {
            r.content(Unpooled.wrappedBuffer(block));
            blocks++;
            assertThat(blocks).as("congestion must start near the high-water mark").isLessThan(40);
        }
        assertThat((long) blocks * block.length).isGreaterThan(MessageReceiver.HIGH_WATER - block.length);
        assertThat(drained).hasValue(0);
        io.runAll(); // the writer catches up
        assertThat(r.congested()).isFalse();
        assertThat(drained).hasValue(1);
        CompletableFuture<MessageReceiver.Outcome> done = r.finish();
        io.runAll();
        assertThat(done.get()).isInstanceOf(MessageReceiver.Outcome.Queued.class);
        assertThat(queue.only().size()).isGreaterThan((long) blocks * block.length);
    }

    @Test
    void nothingIsCreatedBeforeTheHeaderSectionEnds() throws Exception {
        MessageReceiver r = receiver(1_000_000);
        r.content(Unpooled.copiedBuffer("Subject: x\r\nTLS-Required: no\r\n", StandardCharsets.US_ASCII));
        io.runAll();
        assertThat(queue.created).hasValue(0);
        r.content(Unpooled.copiedBuffer("\r\nbody\r\n", StandardCharsets.US_ASCII));
        io.runAll();
        assertThat(queue.created).hasValue(1);
        CompletableFuture<MessageReceiver.Outcome> done = r.finish();
        io.runAll();
        assertThat(done.get()).isInstanceOf(MessageReceiver.Outcome.Queued.class);
        assertThat(queue.only().params().tls()).isEqualTo(TlsTag.TLS_OPTIONAL);
        assertThat(queue.only().text()).startsWith("Received: x; ").endsWith("\r\n\r\nbody\r\n");
    }

    @Test
    void abortAfterOpeningAbortsTheQueueEntry() {
        MessageReceiver r = receiver(1_000_000);
        r.content(Unpooled.copiedBuffer("S: x\r\n\r\nbody\r\n", StandardCharsets.US_ASCII));
        r.abort();
        io.runAll();
        assertThat(queue.created).hasValue(1);
        assertThat(queue.aborted).hasValue(1);
        assertThat(queue.committed).isEmpty();
    }

    @Test
    void sub14_fullDiskIs452AndOtherStorageErrors451() {
        java.io.IOException full = new java.nio.file.FileSystemException("q/tmp/x", null, "No space left on device");
        assertThat(MessageReceiver.storageError(new java.util.concurrent.CompletionException(full)).reply().code())
                .isEqualTo(452);
        assertThat(MessageReceiver.storageError(new java.io.IOException("fsync failed")).reply().enhanced())
                .isEqualTo("4.3.0");
    }
}
