package dev.rampart.queue;

import static dev.rampart.queue.TestSpool.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crash matrix (QUE-02, SUB-10): whatever step of a commit or update a crash interrupts, recover()
 * keeps every acknowledged message, never exposes a partial one, and quarantines damaged files with a
 * reason. A "crash" here is the queue closed without its cleanup plus the on-disk state the crash
 * would leave, built by hand.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    private final TestSpool.ManualClock clock = new TestSpool.ManualClock(T0);

    /** Preamble 24, one state octet, ARRIVAL record 5+12, PARAMS tag and length 5, sender length 4, then "s@". */
    private static final long SENDER_SECOND_OCTET = 24 + 1 + 17 + 5 + 4 + 1;

    private static final String BODY = "Subject: crash\r\n\r\n" + "line of body text\r\n".repeat(200);

    @Test
    void que02_partialTmpFileIsDiscardedAndNeverVisible() throws Exception {
        QueueId kept;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            kept = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
            IncomingMessage halfWritten = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
            OutputStream out = halfWritten.body();
            out.write(TestSpool.body(BODY));
            out.flush();
            assertThat(q.list()).extracting(e -> e.envelope().id()).containsExactly(kept);
            // crash: the session never commits nor aborts
        }
        assertThat(files("tmp")).hasSize(1);
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            RecoveryReport report = q.recover();
            assertThat(report.tmpFilesRemoved()).isEqualTo(1);
            assertThat(report.corrupt()).isEmpty();
            assertThat(report.messages()).isEqualTo(1);
            assertThat(q.list()).extracting(e -> e.envelope().id()).containsExactly(kept);
            assertThat(TestSpool.readBody(q, kept)).isEqualTo(TestSpool.body(BODY));
        }
        assertThat(files("tmp")).isEmpty();
    }

    @Test
    void que02_completeFileInTmpNotYetRenamedIsDiscarded() throws Exception {
        QueueId id;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
        }
        // The state a crash between "file forced" and "rename" leaves: the client never got its 250.
        Files.move(dir.resolve("incoming").resolve(id.value()), dir.resolve("tmp").resolve(id.value()));
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            RecoveryReport report = q.recover();
            assertThat(report.tmpFilesRemoved()).isEqualTo(1);
            assertThat(report.messages()).isZero();
            assertThat(q.find(id)).isEmpty();
        }
    }

    @Test
    void que02_activeMessagesGoBackToIncomingAndAreRetried() throws Exception {
        QueueId a;
        QueueId b;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            a = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
            b = TestSpool.commit(q, "s@example.com", BODY, "r@example.com", "t@example.com");
            assertThat(q.claimDue(T0, 10)).containsExactly(a, b);
            q.update(b, List.of(new RecipientUpdate(0, RecipientState.DELIVERED, T0, "250 ok", "mx", true, false)));
            // crash in the middle of delivery
        }
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            RecoveryReport report = q.recover();
            assertThat(report.requeuedFromActive()).isEqualTo(2);
            assertThat(report.messages()).isEqualTo(2);
            assertThat(files("active")).isEmpty();
            assertThat(q.find(a).orElseThrow().state()).isEqualTo(QueueState.INCOMING);
            assertThat(q.claimDue(T0, 10)).containsExactly(a, b);
            // b's first recipient stays delivered: only the second is retried.
            assertThat(q.open(b).orElseThrow().envelope().recipients()).extracting(RecipientStatus::state)
                    .containsExactly(RecipientState.DELIVERED, RecipientState.QUEUED);
        }
    }

    /** Damage done to a committed file, and the reason recovery must give. */
    static Stream<Arguments> damage() {
        ToLongFunction<Path> size = p -> {
            try {
                return Files.size(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        return Stream.of(
                Arguments.of("empty file", (Damage) p -> truncate(p, 0), "truncated"),
                Arguments.of("cut inside the preamble", (Damage) p -> truncate(p, 10), "truncated"),
                Arguments.of("cut inside the header", (Damage) p -> truncate(p, 60), "no end record"),
                Arguments.of("cut inside the body", (Damage) p -> truncate(p, size.applyAsLong(p) / 2), "no end record"),
                Arguments.of("end record missing", (Damage) p -> truncate(p, size.applyAsLong(p) - 8), "no end record"),
                Arguments.of("end record half there", (Damage) p -> truncate(p, size.applyAsLong(p) - 5), "no end record"),
                Arguments.of("flipped octet in the body", (Damage) p -> flip(p, size.applyAsLong(p) - 100), "checksum mismatch"),
                Arguments.of("flipped octet in the sender", (Damage) p -> flip(p, SENDER_SECOND_OCTET), "checksum mismatch"),
                Arguments.of("flipped octet in the end mark", (Damage) p -> flip(p, size.applyAsLong(p) - 7), "missing end record"),
                Arguments.of("flipped octet in the checksum", (Damage) p -> flip(p, size.applyAsLong(p) - 1), "checksum mismatch"),
                Arguments.of("bad magic", (Damage) p -> flip(p, 0), "bad magic"),
                Arguments.of("future version", (Damage) p -> flip(p, 4), "unsupported format version"),
                Arguments.of("never committed", (Damage) p -> writeAt(p, 8, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}),
                        "never committed"),
                Arguments.of("garbage state octet", (Damage) p -> writeAt(p, 24, new byte[] {'x'}), "recipient state"));
    }

    @FunctionalInterface
    interface Damage {
        void apply(Path file) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damage")
    void que02_damagedFileIsQuarantinedWithItsReasonAndTheOthersSurvive(String what, Damage damage, String reason)
            throws Exception {
        QueueId good1;
        QueueId broken;
        QueueId good2;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            good1 = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
            broken = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
            good2 = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
            q.claimDue(T0, 3);
            q.defer(good2, T0.plusSeconds(600));
            q.defer(broken, T0.plusSeconds(600));
        }
        damage.apply(dir.resolve("deferred").resolve(broken.value()));
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            RecoveryReport report = q.recover();
            assertThat(report.corrupt()).singleElement().satisfies(c -> {
                assertThat(c.reason()).contains(reason);
                assertThat(c.file()).isEqualTo(dir.resolve("corrupt").resolve("deferred." + broken.value()));
                assertThat(Files.exists(c.file())).isTrue();
            });
            assertThat(report.messages()).isEqualTo(2);
            assertThat(q.list()).extracting(e -> e.envelope().id()).containsExactly(good1, good2);
            assertThat(TestSpool.readBody(q, good1)).isEqualTo(TestSpool.body(BODY));
            assertThat(TestSpool.readBody(q, good2)).isEqualTo(TestSpool.body(BODY));
            assertThat(q.find(broken)).isEmpty();
        }
    }

    @Test
    void strayFilesAreQuarantinedNotDropped() throws Exception {
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
        }
        Files.writeString(dir.resolve("incoming").resolve("notes.txt"), "hello");
        Files.createDirectory(dir.resolve("hold").resolve("0123456789ABCDEFGH"));
        Files.writeString(dir.resolve("active").resolve("lowercase-name"), "x");
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            RecoveryReport report = q.recover();
            assertThat(report.corrupt()).extracting(RecoveryReport.Corrupt::reason).containsExactlyInAnyOrder(
                    "file name is not a queue id", "file name is not a queue id", "not a regular file");
            assertThat(report.messages()).isEqualTo(1);
            assertThat(files("corrupt")).containsExactlyInAnyOrder("incoming.notes.txt", "hold.0123456789ABCDEFGH",
                    "active.lowercase-name");
        }
    }

    @Test
    void sameIdInTwoDirectoriesKeepsOneAndQuarantinesTheOther() throws Exception {
        QueueId id;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, "s@example.com", BODY, "r@example.com");
        }
        Files.copy(dir.resolve("incoming").resolve(id.value()), dir.resolve("deferred").resolve(id.value()));
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            RecoveryReport report = q.recover();
            assertThat(report.corrupt()).singleElement().satisfies(c -> assertThat(c.reason()).contains("duplicate"));
            assertThat(q.find(id).orElseThrow().state()).isEqualTo(QueueState.INCOMING);
        }
    }

    @Test
    void quarantineNeverOverwritesAnEarlierQuarantinedFile() throws Exception {
        Files.createDirectories(dir.resolve("corrupt"));
        Files.writeString(dir.resolve("corrupt").resolve("incoming.junk"), "first");
        try (DiskQueue q = DiskQueue.open(dir, clock)) {
            Files.writeString(dir.resolve("incoming").resolve("junk"), "second");
            assertThat(q.recover().corrupt()).singleElement()
                    .satisfies(c -> assertThat(c.file().getFileName().toString()).isEqualTo("incoming.junk.1"));
        }
        assertThat(Files.readString(dir.resolve("corrupt").resolve("incoming.junk"))).isEqualTo("first");
    }

    private List<String> files(String sub) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void truncate(Path p, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void flip(Path p, long offset) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            ch.write(b, offset);
        }
    }

    private static void writeAt(Path p, long offset, byte[] bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes), offset);
        }
    }
}
