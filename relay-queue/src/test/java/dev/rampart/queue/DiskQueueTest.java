package dev.rampart.queue;

import static dev.rampart.queue.TestSpool.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State transitions, scheduling order and operator commands of {@link DiskQueue}. */
class DiskQueueTest {
    @TempDir
    Path dir;

    private final TestSpool.ManualClock clock = new TestSpool.ManualClock(T0);
    private DiskQueue q;

    @BeforeEach
    void open() throws IOException {
        q = TestSpool.openRecovered(dir, clock);
    }

    @AfterEach
    void close() throws IOException {
        q.close();
    }

    private QueueId commitAt(Instant at, String... rcpts) throws Exception {
        clock.set(at);
        return TestSpool.commit(q, "s@example.com", "body\r\n", rcpts.length == 0 ? new String[] {"r@example.com"} : rcpts);
    }

    private List<String> files(String sub) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void committedMessageIsIncomingAndListedWithItsSize() throws Exception {
        QueueId id = commitAt(T0);
        assertThat(files("incoming")).containsExactly(id.value());
        assertThat(files("tmp")).isEmpty();
        QueueEntry e = q.find(id).orElseThrow();
        assertThat(e.state()).isEqualTo(QueueState.INCOMING);
        assertThat(e.nextAttempt()).isEqualTo(T0);
        assertThat(e.size()).isEqualTo(6);
        assertThat(q.find(new QueueId("0000000000000000ZZ"))).isEmpty();
        assertThat(q.open(new QueueId("0000000000000000ZZ"))).isEmpty();
    }

    @Test
    void claimDueTakesOldestFirstAcrossIncomingAndDueDeferred() throws Exception {
        QueueId a = commitAt(T0);
        QueueId b = commitAt(T0.plusSeconds(1));
        QueueId c = commitAt(T0.plusSeconds(2));
        assertThat(q.claimDue(T0.plusSeconds(5), 2)).containsExactly(a, b);
        assertThat(files("active")).containsExactly(a.value(), b.value());
        assertThat(q.claimDue(T0.plusSeconds(5), 10)).containsExactly(c);
        assertThat(q.claimDue(T0.plusSeconds(5), 10)).as("ACTIVE is never claimed twice").isEmpty();

        q.defer(a, T0.plusSeconds(100));
        q.defer(b, T0.plusSeconds(50));
        q.defer(c, T0.plusSeconds(300));
        assertThat(files("deferred")).containsExactly(a.value(), b.value(), c.value());
        assertThat(q.find(a).orElseThrow().nextAttempt()).isEqualTo(T0.plusSeconds(100));
        assertThat(q.nextDue()).contains(T0.plusSeconds(50));
        assertThat(q.claimDue(T0.plusSeconds(49), 10)).as("nothing due yet").isEmpty();

        QueueId d = commitAt(T0.plusSeconds(60));
        assertThat(q.claimDue(T0.plusSeconds(200), 10)).containsExactly(b, d, a);
        assertThat(q.nextDue()).contains(T0.plusSeconds(300));
        assertThat(q.claimDue(T0.plusSeconds(300), 0)).isEmpty();
        assertThat(q.claimDue(T0.plusSeconds(300), 1)).containsExactly(c);
        assertThat(q.nextDue()).isEmpty();
    }

    @Test
    void deferredDueTimeIsTheFileModificationTimeAndSurvivesARestart() throws Exception {
        QueueId id = commitAt(T0);
        q.claimDue(T0, 1);
        Instant next = Instant.parse("2026-03-01T11:30:00Z");
        q.defer(id, next);
        assertThat(Files.getLastModifiedTime(dir.resolve("deferred").resolve(id.value())).toInstant()).isEqualTo(next);
        q.close();
        q = TestSpool.openRecovered(dir, clock);
        assertThat(q.nextDue()).contains(next);
        assertThat(q.find(id).orElseThrow().state()).isEqualTo(QueueState.DEFERRED);
        assertThat(q.claimDue(next.minusSeconds(1), 5)).isEmpty();
        assertThat(q.claimDue(next, 5)).containsExactly(id);
    }

    @Test
    void flushMakesEveryDeferredMessageDueNowAlsoAfterARestart() throws Exception {
        QueueId a = commitAt(T0);
        QueueId b = commitAt(T0.plusSeconds(1));
        QueueId c = commitAt(T0.plusSeconds(2));
        q.claimDue(T0.plusSeconds(2), 10);
        q.defer(a, T0.plus(Duration.ofHours(3)));
        q.defer(b, T0.plus(Duration.ofHours(2)));
        Instant now = Instant.parse("2026-03-01T10:05:00Z");
        clock.set(now);
        assertThat(q.flush()).isEqualTo(2);
        assertThat(q.nextDue()).contains(now);
        q.close();
        q = TestSpool.openRecovered(dir, clock);
        assertThat(q.claimDue(now, 10)).as("c is still ACTIVE before the restart, INCOMING after")
                .containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void holdReleaseAndDeleteFollowTheirStateRules() throws Exception {
        QueueId other = commitAt(T0);
        QueueId deferred = commitAt(T0.plusSeconds(1));
        QueueId active = commitAt(T0.plusSeconds(2));
        q.claimDue(T0.plusSeconds(2), 10);
        q.defer(deferred, T0.plusSeconds(3600));
        q.defer(other, T0.plusSeconds(3600));
        q.hold(deferred);
        assertThat(q.find(deferred).orElseThrow().state()).isEqualTo(QueueState.HOLD);
        assertThat(q.hold(deferred)).as("already held").isFalse();
        assertThat(q.hold(active)).as("ACTIVE is refused").isFalse();
        assertThat(q.delete(active)).as("ACTIVE is refused").isFalse();
        assertThat(q.release(active)).isFalse();
        assertThat(q.release(other)).as("not held").isFalse();
        assertThat(q.hold(new QueueId("0000000000000000ZZ"))).isFalse();
        assertThat(files("active")).containsExactly(active.value());

        Instant now = T0.plusSeconds(10);
        clock.set(now);
        assertThat(q.claimDue(T0.plus(Duration.ofDays(1)), 10)).as("held is never claimed").containsExactly(other);
        assertThat(q.release(deferred)).isTrue();
        assertThat(q.find(deferred).orElseThrow().state()).isEqualTo(QueueState.DEFERRED);
        assertThat(q.find(deferred).orElseThrow().nextAttempt()).isEqualTo(now);
        assertThat(q.claimDue(now, 10)).containsExactly(deferred);

        q.defer(deferred, now);
        assertThat(q.delete(deferred)).isTrue();
        assertThat(q.delete(deferred)).isFalse();
        assertThat(files("deferred")).isEmpty();
        assertThat(q.find(deferred)).isEmpty();
        assertThat(q.nextDue()).isEmpty();
    }

    @Test
    void holdOfAnIncomingMessageAndDeleteOfAHeldOne() throws Exception {
        QueueId id = commitAt(T0);
        assertThat(q.hold(id)).isTrue();
        assertThat(files("hold")).containsExactly(id.value());
        assertThat(q.claimDue(T0.plusSeconds(60), 10)).isEmpty();
        q.close();
        q = TestSpool.openRecovered(dir, clock);
        assertThat(q.find(id).orElseThrow().state()).as("hold survives a restart").isEqualTo(QueueState.HOLD);
        assertThat(q.delete(id)).isTrue();
        assertThat(files("hold")).isEmpty();
    }

    @Test
    void completeRemovesOnlyMessagesWhoseRecipientsAreAllFinal() throws Exception {
        QueueId id = commitAt(T0, "a@example.com", "b@example.com");
        q.claimDue(T0, 1);
        q.update(id, List.of(new RecipientUpdate(0, RecipientState.DELIVERED, T0, "250 ok", "mx", true, false)));
        assertThatThrownBy(() -> q.complete(id)).isInstanceOf(IllegalStateException.class);
        assertThat(files("active")).containsExactly(id.value());
        Envelope env = q.update(id,
                List.of(new RecipientUpdate(1, RecipientState.BOUNCED, T0, "550 no", "mx", true, false)));
        assertThat(env.allFinal()).isTrue();
        q.complete(id);
        assertThat(files("active")).isEmpty();
        assertThat(q.list()).isEmpty();
        assertThatThrownBy(() -> q.complete(id)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void badUpdatesAreRejectedAndWriteNothing() throws Exception {
        QueueId id = commitAt(T0);
        q.claimDue(T0, 1);
        long size = Files.size(dir.resolve("active").resolve(id.value()));
        assertThatThrownBy(() -> q.update(id, List.of(
                new RecipientUpdate(0, RecipientState.DEFERRED, T0, "451", "mx", true, false),
                new RecipientUpdate(1, RecipientState.DELIVERED, T0, "250", "mx", true, false))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no recipient 1");
        assertThat(Files.size(dir.resolve("active").resolve(id.value()))).isEqualTo(size);
        q.update(id, List.of(new RecipientUpdate(0, RecipientState.DELIVERED, T0, "250", "mx", true, false)));
        assertThatThrownBy(() -> q.update(id, List.of(
                new RecipientUpdate(0, RecipientState.DEFERRED, T0, "451", "mx", true, false))))
                .as("a final recipient never changes").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.update(new QueueId("0000000000000000ZZ"), List.of()))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> q.defer(new QueueId("0000000000000000ZZ"), T0)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void deferRequiresActive() throws Exception {
        QueueId id = commitAt(T0);
        assertThatThrownBy(() -> q.defer(id, T0)).isInstanceOf(IllegalStateException.class);
        assertThat(files("incoming")).containsExactly(id.value());
    }

    @Test
    void openBodyStillWorksAfterTheMessageMoved() throws Exception {
        QueueId id = commitAt(T0);
        QueuedMessage m = q.open(id).orElseThrow();
        try (InputStream early = m.openBody()) {
            q.claimDue(T0, 1);
            assertThat(early.readAllBytes()).isEqualTo(TestSpool.body("body\r\n"));
        }
        q.defer(id, T0.plusSeconds(60));
        try (InputStream late = m.openBody()) {
            assertThat(late.readAllBytes()).isEqualTo(TestSpool.body("body\r\n"));
        }
    }

    @Test
    void listIsOldestFirstAcrossStates() throws Exception {
        QueueId a = commitAt(T0);
        QueueId b = commitAt(T0.plusSeconds(1));
        QueueId c = commitAt(T0.plusSeconds(2));
        q.claimDue(T0.plusSeconds(1), 1);
        q.hold(c);
        assertThat(q.counts()).containsOnly(Map.entry(QueueState.INCOMING, 1), Map.entry(QueueState.ACTIVE, 1),
                Map.entry(QueueState.DEFERRED, 0), Map.entry(QueueState.HOLD, 1));
        assertThat(q.list()).extracting(e -> e.envelope().id(), QueueEntry::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(a, QueueState.ACTIVE),
                org.assertj.core.groups.Tuple.tuple(b, QueueState.INCOMING),
                org.assertj.core.groups.Tuple.tuple(c, QueueState.HOLD));
    }

    @Test
    void abortDiscardsAndCommitAfterAbortFails() throws Exception {
        IncomingMessage m = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
        m.body().write(TestSpool.body("partial"));
        assertThat(files("tmp")).containsExactly(m.id().value());
        m.abort();
        assertThat(files("tmp")).isEmpty();
        assertThatThrownBy(() -> m.commit().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> m.body().write(1)).isInstanceOf(IOException.class);
        assertThat(q.list()).isEmpty();
    }

    @Test
    void closeAfterCommitKeepsTheMessageAndRepeatedCommitReturnsTheSameResult() throws Exception {
        IncomingMessage m = q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com"));
        m.body().write(TestSpool.body("kept"));
        QueueId id = m.commit().get(10, TimeUnit.SECONDS);
        assertThat(m.commit().get(10, TimeUnit.SECONDS)).isEqualTo(id);
        m.close();
        assertThat(TestSpool.readBody(q, id)).isEqualTo(TestSpool.body("kept"));
    }

    @Test
    void createRejectsAMessageWithoutRecipients() {
        assertThatThrownBy(() -> q.create(TestSpool.params("s@example.com"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theQueueMustBeRecoveredFirstAndOnlyOnce() throws Exception {
        assertThatThrownBy(() -> q.recover()).isInstanceOf(IllegalStateException.class);
        q.close();
        q = DiskQueue.open(dir, clock);
        assertThatThrownBy(() -> q.create(TestSpool.params("s@example.com"), TestSpool.rcpts("r@example.com")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> q.claimDue(T0, 1)).isInstanceOf(IllegalStateException.class);
        q.recover();
    }

    @Test
    void aSecondInstanceCannotOpenTheSameSpool() {
        assertThatThrownBy(() -> DiskQueue.open(dir, clock)).isInstanceOf(IOException.class)
                .hasMessageContaining("in use");
    }
}
