package dev.rampart.queue;

import static dev.rampart.queue.TestSpool.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits are durable before they complete (SUB-10), share directory flushes, and fail cleanly (QUE-02). */
class GroupCommitTest {
    @TempDir
    Path dir;

    private final TestSpool.ManualClock clock = new TestSpool.ManualClock(T0);

    /** Counts flushes of incoming/ and can hold the first one until the test opens the gate. */
    private static final class GatedSync implements DirectorySync {
        final AtomicInteger incomingFlushes = new AtomicInteger();
        final CountDownLatch firstFlushEntered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public void sync(Path d) throws IOException {
            if (d.getFileName().toString().equals("incoming")) {
                incomingFlushes.incrementAndGet();
                firstFlushEntered.countDown();
                try {
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("test gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            DirectorySync.FSYNC.sync(d);
        }
    }

    @Test
    void sub10_que02_twoHundredConcurrentCommitsShareDirectoryFlushesAndWaitForThem() throws Exception {
        GatedSync sync = new GatedSync();
        try (DiskQueue q = DiskQueue.open(dir, clock, sync)) {
            q.recover();
            int n = 200;
            List<CompletableFuture<QueueId>> commits = new ArrayList<>();
            try (ExecutorService sessions = Executors.newFixedThreadPool(16)) {
                List<Future<CompletableFuture<QueueId>>> started = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    started.add(sessions.submit(() -> {
                        IncomingMessage m = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
                        m.body().write(TestSpool.body("message " + k + "\r\n"));
                        return m.commit();
                    }));
                }
                for (Future<CompletableFuture<QueueId>> f : started) {
                    commits.add(f.get(60, TimeUnit.SECONDS));
                }
            }
            // Every commit() has returned, so every message is forced and waits for the committer, which
            // is stuck in its first directory flush: none may be reported durable yet.
            assertThat(sync.firstFlushEntered.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(commits).noneMatch(CompletableFuture::isDone);
            sync.gate.countDown();
            CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            // The first flush covered whatever was waiting when it started; everything that queued up
            // behind it shares the second.
            assertThat(sync.incomingFlushes.get()).isBetween(1, 2);
            assertThat(q.list()).hasSize(n);
        }
    }

    @Test
    void sixteenThreadsCommitConcurrentlyAndEveryMessageReadsBackIntact() throws Exception {
        Map<QueueId, String> written = new ConcurrentHashMap<>();
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            int threads = 16;
            int perThread = 20;
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService sessions = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(sessions.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            String body = ("thread " + thread + " message " + i + "\r\n").repeat(1 + i * 500);
                            IncomingMessage m = q.create(TestSpool.params("t" + thread + "@example.com"),
                                    TestSpool.rcpts("r" + i + "@example.com"));
                            try (OutputStream out = m.body()) {
                                out.write(TestSpool.body(body));
                            }
                            written.put(m.commit().get(60, TimeUnit.SECONDS), body);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            }
            assertThat(written).hasSize(threads * perThread);
        }
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            assertThat(q.list()).hasSize(written.size());
            for (Map.Entry<QueueId, String> e : written.entrySet()) {
                assertThat(new String(TestSpool.readBody(q, e.getKey()), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void sub10_failedDirectoryFlushFailsTheCommitAndLeavesNothingBehind() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        DirectorySync flaky = d -> {
            if (failing.get() && d.getFileName().toString().equals("incoming")) {
                throw new IOException("No space left on device");
            }
            DirectorySync.FSYNC.sync(d);
        };
        try (DiskQueue q = DiskQueue.open(dir, clock, flaky)) {
            q.recover();
            IncomingMessage m = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
            m.body().write(TestSpool.body("doomed"));
            assertThatThrownBy(() -> m.commit().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class).hasMessageContaining("No space");
            assertThat(entries("incoming")).isEmpty();
            assertThat(entries("tmp")).isEmpty();
            assertThat(q.list()).isEmpty();
            assertThat(q.claimDue(T0.plusSeconds(60), 10)).isEmpty();

            failing.set(false);
            QueueId ok = TestSpool.commit(q, "s@example.com", "fine", "r@example.com");
            assertThat(q.list()).extracting(e -> e.envelope().id()).containsExactly(ok);
        }
    }

    @Test
    void que02_failedRenameFailsTheCommitAndLeavesNothingBehind() throws Exception {
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            IncomingMessage m = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
            m.body().write(TestSpool.body("doomed"));
            Files.delete(dir.resolve("tmp").resolve(m.id().value()));
            assertThatThrownBy(() -> m.commit().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class);
            assertThat(entries("incoming")).isEmpty();
            assertThat(q.list()).isEmpty();
        }
    }

    @Test
    void commitAfterCloseFailsInsteadOfHanging() throws Exception {
        DiskQueue q = TestSpool.openRecovered(dir, clock);
        IncomingMessage m = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
        m.body().write(TestSpool.body("late"));
        q.close();
        assertThatThrownBy(() -> m.commit().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThat(entries("tmp")).isEmpty();
        try (DiskQueue reopened = DiskQueue.open(dir, clock)) {
            assertThat(reopened.recover().messages()).isZero();
        }
    }

    private List<Path> entries(String sub) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(sub))) {
            return s.toList();
        }
    }
}
