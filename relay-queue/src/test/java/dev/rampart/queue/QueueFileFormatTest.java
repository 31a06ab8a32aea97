package dev.rampart.queue;

import static dev.rampart.queue.TestSpool.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue file keeps every envelope field (QUE-01) and records attempts durably and crash-safely. */
class QueueFileFormatTest {
    @TempDir
    Path dir;

    private final TestSpool.ManualClock clock = new TestSpool.ManualClock(T0);

    @Test
    void que01_everyFieldSurvivesARestart() throws Exception {
        MessageParams params = new MessageParams("", BodyType.BINARY_MIME, true, "Env+Id=42 Ünï", Ret.HDRS,
                TlsTag.REQUIRE_TLS, "mail.example [127.0.0.1]", "alice");
        List<RecipientSpec> rcpts = List.of(
                new RecipientSpec("用户@例子.广告", "utf-8;用户@例子.广告", Set.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY)),
                new RecipientSpec("jos\u00e9@b\u00fccher.example", "rfc822;jose@example.org", Set.of(Notify.NEVER)),
                RecipientSpec.of("plain@example.com"));
        byte[] body = new byte[300_000]; // spans several write buffers; every octet value including bare CR/LF
        new Random(7).nextBytes(body);
        QueueId id;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, params, rcpts, body);
        }
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            QueuedMessage m = q.open(id).orElseThrow();
            Envelope env = m.envelope();
            assertThat(env.id()).isEqualTo(id);
            assertThat(env.arrival()).isEqualTo(T0);
            assertThat(env.params()).isEqualTo(params);
            assertThat(env.params().nullSender()).isTrue();
            assertThat(env.recipients()).extracting(RecipientStatus::spec).containsExactlyElementsOf(rcpts);
            assertThat(env.recipients()).extracting(RecipientStatus::index).containsExactly(0, 1, 2);
            assertThat(env.recipients()).allSatisfy(r -> {
                assertThat(r.state()).isEqualTo(RecipientState.QUEUED);
                assertThat(r.attempts()).isZero();
                assertThat(r.lastAttempt()).isEqualTo(Instant.EPOCH);
                assertThat(r.lastDiagnostic()).isEmpty();
                assertThat(r.remoteMta()).isEmpty();
                assertThat(r.delayNotified()).isFalse();
            });
            assertThat(m.bodySize()).isEqualTo(body.length);
            assertThat(TestSpool.readBody(q, id)).isEqualTo(body);
        }
    }

    @Test
    void emptyBodyAndSingleByteWritesRoundTrip() throws Exception {
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            QueueId empty = TestSpool.commit(q, TestSpool.params("a@example.com"), TestSpool.rcpts("b@example.com"),
                    new byte[0]);
            IncomingMessage m = q.create(TestSpool.params("a@example.com"), TestSpool.rcpts("b@example.com"));
            OutputStream out = m.body();
            for (byte b : TestSpool.body("Subject: x\r\n\r\nhi\r\n")) {
                out.write(b);
            }
            assertThat(m.size()).isEqualTo(18);
            QueueId bytewise = m.commit().get(30, TimeUnit.SECONDS);
            assertThat(TestSpool.readBody(q, empty)).isEmpty();
            assertThat(new String(TestSpool.readBody(q, bytewise), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("Subject: x\r\n\r\nhi\r\n");
        }
    }

    @Test
    void que01_attemptsDiagnosticsAndFinalStatesAreRecordedAndSurviveARestart() throws Exception {
        QueueId id;
        Instant t1 = T0.plus(Duration.ofMinutes(1));
        Instant t2 = T0.plus(Duration.ofMinutes(31));
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, "s@example.com", "body\r\n", "a@x.example", "b@y.example", "c@z.example");
            q.claimDue(T0, 10);
            q.update(id, List.of(
                    new RecipientUpdate(0, RecipientState.DELIVERED, t1, "250 2.0.0 ok", "mx.x.example", true, false),
                    new RecipientUpdate(1, RecipientState.DEFERRED, t1, "451 4.3.0 later", "mx.y.example", true, false)));
            Envelope after = q.update(id, List.of(
                    new RecipientUpdate(1, RecipientState.DEFERRED, t2, "452 4.2.2 full", "mx2.y.example", true, false),
                    new RecipientUpdate(1, RecipientState.DEFERRED, t2, "", "", false, true),
                    new RecipientUpdate(2, RecipientState.BOUNCED, t2, "550 5.1.1 unknown", "mx.z.example", true, false)));
            assertThat(after.recipients().get(1).attempts()).isEqualTo(2);
        }
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            List<RecipientStatus> r = q.open(id).orElseThrow().envelope().recipients();
            assertThat(r.get(0)).isEqualTo(new RecipientStatus(0, RecipientSpec.of("a@x.example"),
                    RecipientState.DELIVERED, 1, t1, "250 2.0.0 ok", "mx.x.example", false));
            // The delay notice is not an attempt: the diagnostic of the real attempt stays; the flag sticks.
            assertThat(r.get(1)).isEqualTo(new RecipientStatus(1, RecipientSpec.of("b@y.example"),
                    RecipientState.DEFERRED, 2, t2, "452 4.2.2 full", "mx2.y.example", true));
            assertThat(r.get(2).state()).isEqualTo(RecipientState.BOUNCED);
            assertThat(r.get(2).lastDiagnostic()).isEqualTo("550 5.1.1 unknown");
        }
    }

    @Test
    void finalStateIsOverwrittenInPlaceInTheStateArea() throws Exception {
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            QueueId id = TestSpool.commit(q, "s@example.com", "x", "a@x.example", "b@x.example");
            q.claimDue(T0, 1);
            Path file = dir.resolve("active").resolve(id.value());
            assertThat(stateArea(file, 2)).isEqualTo("QQ");
            q.update(id, List.of(new RecipientUpdate(1, RecipientState.DELIVERED, T0, "250 ok", "mx", true, false)));
            assertThat(stateArea(file, 2)).isEqualTo("QS");
            q.update(id, List.of(new RecipientUpdate(0, RecipientState.DEFERRED, T0, "451", "mx", true, false)));
            assertThat(stateArea(file, 2)).as("only final states are written in place").isEqualTo("QS");
        }
    }

    @Test
    void finalStateOctetWinsWhenTheUpdateLogIsLost() throws Exception {
        QueueId id;
        Path file;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, "s@example.com", "x", "a@x.example");
            q.claimDue(T0, 1);
            file = dir.resolve("active").resolve(id.value());
            long committedSize = Files.size(file);
            q.update(id, List.of(new RecipientUpdate(0, RecipientState.DELIVERED, T0, "250 ok", "mx", true, false)));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(committedSize); // the log vanished, the in-place octet did not
            }
        }
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            assertThat(q.open(id).orElseThrow().envelope().allFinal()).isTrue();
        }
    }

    @Test
    void que02_crashBetweenUpdateRecordAndStateOctetStillReadsFinal() throws Exception {
        QueueId id;
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, "s@example.com", "x", "a@x.example");
            q.claimDue(T0, 1);
            q.update(id, List.of(new RecipientUpdate(0, RecipientState.DELIVERED, T0, "250 ok", "mx", true, false)));
        }
        // The update record was forced; the crash came before the in-place octet was written.
        Path file = dir.resolve("active").resolve(id.value());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'Q'}), QueueFileFormat.PREAMBLE_LENGTH);
        }
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            RecipientStatus r = q.open(id).orElseThrow().envelope().recipients().get(0);
            assertThat(r.state()).isEqualTo(RecipientState.DELIVERED);
            assertThat(r.lastDiagnostic()).isEqualTo("250 ok");
        }
    }

    @Test
    void que02_tornTrailingUpdateIsIgnoredAndOverwrittenByTheNextUpdate() throws Exception {
        QueueId id;
        Path file;
        Instant t1 = T0.plusSeconds(60);
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            id = TestSpool.commit(q, "s@example.com", "x", "a@x.example", "b@x.example");
            q.claimDue(T0, 1);
            file = dir.resolve("active").resolve(id.value());
            q.update(id, List.of(new RecipientUpdate(0, RecipientState.DEFERRED, t1, "451 first", "mx", true, false)));
        }
        // A crash while appending the second update: only part of the record reached the disk.
        byte[] torn = QueueFileFormat.encodeUpdate(List.of(new RecipientStatus(1, RecipientSpec.of("b@x.example"),
                RecipientState.DELIVERED, 1, t1, "250 lost", "mx", false)));
        for (int cut : new int[] {1, 5, torn.length / 2, torn.length - 1}) {
            Path copy = dir.resolve("copy");
            Files.copy(file, copy);
            Files.write(copy, Arrays.copyOf(torn, cut), StandardOpenOption.APPEND);
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ)) {
                QueueFileReader.Parsed p = QueueFileReader.read(id, ch, true);
                assertThat(p.logEnd()).as("cut at %d", cut).isEqualTo(Files.size(file));
                assertThat(p.envelope().recipients().get(0).lastDiagnostic()).isEqualTo("451 first");
                assertThat(p.envelope().recipients().get(1).state()).isEqualTo(RecipientState.QUEUED);
            }
            Files.delete(copy);
        }
        // A complete record with one flipped octet is as good as torn.
        byte[] flipped = torn.clone();
        flipped[flipped.length - 6] ^= 0x20;
        Files.write(file, flipped, StandardOpenOption.APPEND);
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            assertThat(q.open(id).orElseThrow().envelope().recipients().get(1).state()).isEqualTo(RecipientState.QUEUED);
            assertThat(q.claimDue(T0, 1)).containsExactly(id);
            q.update(id, List.of(new RecipientUpdate(1, RecipientState.DELIVERED, t1, "250 again", "mx", true, false)));
        }
        try (DiskQueue q = TestSpool.openRecovered(dir, clock)) {
            List<RecipientStatus> r = q.open(id).orElseThrow().envelope().recipients();
            assertThat(r.get(0).lastDiagnostic()).isEqualTo("451 first");
            assertThat(r.get(1).state()).isEqualTo(RecipientState.DELIVERED);
            assertThat(r.get(1).lastDiagnostic()).isEqualTo("250 again");
        }
    }

    @Test
    void headerLayoutMatchesTheDocumentedFormat() {
        QueueFileFormat.Header h = QueueFileFormat.encodeHeader(T0, TestSpool.params("s@x"),
                TestSpool.rcpts("a@x", "b@x", "c@x"));
        ByteBuffer b = ByteBuffer.wrap(h.bytes());
        assertThat(new String(h.bytes(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RMPQ");
        assertThat(b.get(4)).isEqualTo((byte) 1);
        assertThat(b.getLong(8)).as("body length until commit").isEqualTo(-1);
        assertThat(b.getInt(16)).isEqualTo(h.length());
        assertThat(b.getInt(20)).isEqualTo(3);
        assertThat(new String(h.bytes(), 24, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("QQQ");
        assertThat(h.bytes()[27]).isEqualTo(QueueFileFormat.TAG_ARRIVAL);
    }

    private static String stateArea(Path file, int n) throws Exception {
        byte[] all = Files.readAllBytes(file);
        return new String(all, QueueFileFormat.PREAMBLE_LENGTH, n, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
