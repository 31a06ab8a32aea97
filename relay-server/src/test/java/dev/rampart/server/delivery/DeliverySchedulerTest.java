package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.Notify;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.SchedulerFakes.FakeConnector;
import dev.rampart.server.delivery.SchedulerFakes.FakeDsn;
import dev.rampart.server.delivery.SchedulerFakes.FakeMx;
import dev.rampart.server.delivery.SchedulerFakes.MutableClock;
import dev.rampart.server.delivery.SchedulerFakes.Transaction;
import dev.rampart.server.delivery.dsn.DsnAction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeliverySchedulerTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final List<Duration> RETRY = List.of(Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(3));

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryQueue queue = new InMemoryQueue(clock);
    private final FakeMx mx = new FakeMx();
    private final SchedulerFakes.FakeTlsa tlsa = new SchedulerFakes.FakeTlsa();
    private final FakeDsn dsn = new FakeDsn();
    private final FakeConnector connector = new FakeConnector();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private DeliveryScheduler scheduler = scheduler(clock);

    private DeliveryScheduler scheduler(InstantSource clock) {
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(25, Duration.ofSeconds(5)), RETRY,
                Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        return new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa, PolicyMap.EMPTY), dsn, metrics, clock, connector);
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    private void runRounds() throws Exception {
        while (queue.anyDue(clock.instant())) {
            scheduler.runOnce().join();
        }
    }

    private static List<RecipientSpec> rcpts(String... addresses) {
        return java.util.Arrays.stream(addresses).map(RecipientSpec::of).toList();
    }

    @Test
    void recipientsOfOneDomainShareOneTransactionQue05() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        mx.hosts("y.example", "mx.y.example");
        QueueId id = queue.add(params("s@origin.example"),
                rcpts("a@x.example", "c@y.example", "b@X.Example."), "body\r\n");
        runRounds();
        assertThat(connector.transactions).containsExactlyInAnyOrder(
                new Transaction("mx.x.example", List.of("a@x.example", "b@X.Example.")),
                new Transaction("mx.y.example", List.of("c@y.example")));
        assertThat(queue.completed).containsExactly(id);
        assertThat(metrics.get("rampart.delivery.attempts").tag("status", "sent").counter().count()).isEqualTo(3.0);
    }

    @Test
    void manyRecipientsAreSplitIntoTransactionsOverOneSession() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        String[] many = new String[120];
        for (int i = 0; i < many.length; i++) {
            many[i] = "user" + i + "@x.example";
        }
        QueueId id = queue.add(params("s@origin.example"), rcpts(many), "body\r\n");
        runRounds();
        assertThat(connector.opens).hasSize(1);
        assertThat(connector.transactions).extracting(t -> t.recipients().size()).containsExactly(50, 50, 20);
        assertThat(queue.completed).containsExactly(id);
    }

    @Test
    void nextMxAfterConnectFailureQue09() throws Exception {
        mx.hosts("x.example", "mx1.x.example", "mx2.x.example");
        connector.refusing.add("mx1.x.example");
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        runRounds();
        assertThat(connector.opens).containsExactly("mx1.x.example", "mx2.x.example");
        assertThat(connector.transactions).containsExactly(new Transaction("mx2.x.example", List.of("a@x.example")));
        assertThat(queue.completed).containsExactly(id);
    }

    @Test
    void transientGreetingMovesToTheNextMxQue09() throws Exception {
        mx.hosts("x.example", "mx1.x.example", "mx2.x.example");
        connector.failing.put("mx1.x.example",
                new SessionFailure.Rejected(Stage.GREETING, SmtpReply.of(421, "4.3.2 too busy")));
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        runRounds();
        assertThat(connector.transactions).containsExactly(new Transaction("mx2.x.example", List.of("a@x.example")));
        assertThat(queue.completed).containsExactly(id);
    }

    @Test
    void smtpUtf8MissingEverywhereBounces567AfterTryingEveryMxQue19() throws Exception {
        mx.hosts("x.example", "mx1.x.example", "mx2.x.example");
        Verdict noUtf8 = new Verdict(Disposition.TRY_NEXT_HOST, "5.6.7",
                "the message needs SMTPUTF8 and the server does not offer it");
        connector.verdicts = rcpt -> noUtf8;
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(connector.opens).containsExactly("mx1.x.example", "mx2.x.example");
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).singleElement().satisfies(r -> assertThat(r.statuses()).containsExactly("5.6.7"));
    }

    @Test
    void smtpUtf8MissingOnFirstMxOnlyDeliversViaTheSecondQue19() throws Exception {
        mx.hosts("x.example", "mx1.x.example", "mx2.x.example");
        connector.hostVerdicts.put("mx1.x.example", rcpt -> new Verdict(Disposition.TRY_NEXT_HOST, "5.6.7", "no SMTPUTF8"));
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(connector.transactions).extracting(Transaction::host).containsExactly("mx1.x.example", "mx2.x.example");
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).isEmpty();
    }

    @Test
    void deadDestinationCostsOneProbePerRoundQue04() throws Exception {
        mx.hosts("dead.example", "mx.dead.example");
        connector.refusing.add("mx.dead.example");
        for (int i = 0; i < 1000; i++) {
            queue.add(params("s@origin.example"), rcpts("user" + i + "@dead.example"), "body\r\n");
        }
        runRounds();
        assertThat(connector.opens).hasSize(1);
        assertThat(queue.entries()).hasSize(1000).allSatisfy(e -> {
            assertThat(e.state).isEqualTo(QueueState.DEFERRED);
            assertThat(e.nextAttempt).isEqualTo(T0.plus(RETRY.get(0)));
            assertThat(e.envelope.recipients().get(0).state()).isEqualTo(RecipientState.DEFERRED);
        });
        // next retry round: again one probe for all of them
        clock.advance(RETRY.get(0));
        runRounds();
        assertThat(connector.opens).hasSize(2);
        assertThat(queue.entries()).allSatisfy(e -> assertThat(e.state).isEqualTo(QueueState.DEFERRED));
    }

    @Test
    void retryScheduleNeverRetriesImmediatelyQue03() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> new Verdict(Disposition.DEFER, "4.2.1", "450 4.2.1 try later");
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        runRounds();
        assertThat(queue.entry(id).nextAttempt).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        clock.advance(Duration.ofMinutes(29));
        runRounds();
        assertThat(connector.transactions).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        runRounds();
        assertThat(connector.transactions).hasSize(2);
        assertThat(queue.entry(id).nextAttempt).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        assertThat(queue.entry(id).envelope.recipients().get(0).attempts()).isEqualTo(2);
        assertThat(queue.entry(id).envelope.recipients().get(0).lastDiagnostic()).isEqualTo("450 4.2.1 try later");
    }

    @Test
    void permanentFailureQueuesOneFailureNoticeQue10() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> rcpt.startsWith("bad")
                ? new Verdict(Disposition.BOUNCE, "5.1.1", "550 5.1.1 no such user")
                : new Verdict(Disposition.DELIVERED, "2.0.0", "250 ok");
        QueueId id = queue.add(params("s@origin.example"), rcpts("good@x.example", "bad@x.example"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(dsn.written).hasSize(1);
        assertThat(dsn.written.get(0).action()).isEqualTo(DsnAction.FAILED);
        assertThat(dsn.written.get(0).recipients()).extracting(RecipientStatus::address).containsExactly("bad@x.example");
        assertThat(dsn.written.get(0).statuses()).containsExactly("5.1.1");
        assertThat(dsn.written.get(0).recipients().get(0).lastDiagnostic()).isEqualTo("550 5.1.1 no such user");
        assertThat(queue.completed).containsExactly(id);
        // the notice itself is queued from <> to the original sender
        assertThat(queue.entries()).singleElement().satisfies(e -> {
            assertThat(e.envelope.params().sender()).isEmpty();
            assertThat(e.envelope.recipients()).extracting(RecipientStatus::address).containsExactly("s@origin.example");
        });
    }

    @Test
    void failureNoticeThatCannotBeQueuedKeepsTheRecipientPending() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> new Verdict(Disposition.BOUNCE, "5.1.1", "550 5.1.1 no such user");
        dsn.failWrites = true;
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(queue.entry(id).envelope.recipients().get(0).state()).isEqualTo(RecipientState.DEFERRED);
        assertThat(queue.entry(id).state).isEqualTo(QueueState.DEFERRED);
        assertThat(queue.entries()).hasSize(1);
        dsn.failWrites = false;
        clock.advance(RETRY.get(0));
        scheduler.runOnce().join();
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).hasSize(2);
        assertThat(queue.entries()).singleElement().satisfies(e -> assertThat(e.envelope.sender()).isEmpty());
    }

    @Test
    void nullMxBouncesWithoutConnectingMx07() throws Exception {
        mx.answers.put("nullmx.example", new MxResolution.Permanent("nullmx.example", "5.1.10", "null MX"));
        queue.add(params("s@origin.example"), rcpts("a@nullmx.example"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(connector.opens).isEmpty();
        assertThat(dsn.written).singleElement().satisfies(r -> assertThat(r.statuses()).containsExactly("5.1.10"));
    }

    @Test
    void nullSenderNeverGetsANoticeQue10() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> new Verdict(Disposition.BOUNCE, "5.1.1", "550 5.1.1 no such user");
        QueueId id = queue.add(params(""), rcpts("a@x.example"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(dsn.written).isEmpty();
        assertThat(queue.completed).containsExactly(id);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void expiryFailsPendingRecipientsWithLastTransientStatusQue15() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> new Verdict(Disposition.DEFER, "4.4.1", "connect failed");
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        runRounds();
        assertThat(queue.entry(id).state).isEqualTo(QueueState.DEFERRED);
        clock.advance(Duration.ofDays(5));
        dsn.written.clear();
        runRounds();
        // the original and then its failure notice (which bounces without a notice of its own)
        assertThat(queue.completed).startsWith(id).hasSize(2);
        assertThat(dsn.written).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(DsnAction.FAILED);
            assertThat(r.statuses()).containsExactly("4.4.1");
        });
    }

    @Test
    void nullSenderExpiresAtBounceMaxAgeWithoutNotice() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> new Verdict(Disposition.DEFER, "4.4.1", "connect failed");
        QueueId id = queue.add(params(""), rcpts("a@x.example"), "body\r\n");
        runRounds();
        clock.advance(Duration.ofDays(2));
        runRounds();
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).isEmpty();
    }

    @Test
    void oneDelayNoticeAfterDelayWarningQue13() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.verdicts = rcpt -> new Verdict(Disposition.DEFER, "4.2.1", "450 busy");
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        runRounds();
        assertThat(dsn.written).isEmpty();
        clock.advance(Duration.ofHours(5));
        runRounds();
        assertThat(dsn.written).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(DsnAction.DELAYED);
            assertThat(r.willRetryUntil()).isEqualTo(T0.plus(Duration.ofDays(5)));
        });
        assertThat(queue.entry(id).envelope.recipients().get(0).delayNotified()).isTrue();
        clock.advance(Duration.ofHours(3));
        runRounds();
        assertThat(connector.transactions).hasSize(3);
        assertThat(dsn.written).hasSize(1);
    }

    @Test
    void relayedNoticeWhenPeerLacksDsnQue14() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        connector.peerDsn = false;
        queue.add(params("s@origin.example"), List.of(new RecipientSpec("a@x.example", "", Set.of(Notify.SUCCESS)),
                RecipientSpec.of("b@x.example")), "body\r\n");
        scheduler.runOnce().join();
        assertThat(dsn.written).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(DsnAction.RELAYED);
            assertThat(r.recipients()).extracting(RecipientStatus::address).containsExactly("a@x.example");
        });
    }

    @Test
    void connectionIsReusedForTheNextMessage() throws Exception {
        mx.hosts("x.example", "mx.x.example");
        queue.add(params("s@origin.example"), rcpts("a@x.example"), "one\r\n");
        scheduler.runOnce().join();
        queue.add(params("s@origin.example"), rcpts("b@x.example"), "two\r\n");
        scheduler.runOnce().join();
        assertThat(connector.opens).hasSize(1);
        assertThat(connector.resets.get()).isEqualTo(1);
        assertThat(connector.transactions).hasSize(2);
    }

    @Test
    void badAddressBouncesWithoutLookup() throws Exception {
        queue.add(params("s@origin.example"), rcpts("no-domain"), "body\r\n");
        scheduler.runOnce().join();
        assertThat(mx.lookups.get()).isZero();
        assertThat(dsn.written).singleElement().satisfies(r -> assertThat(r.statuses()).containsExactly("5.1.3"));
    }

    @Test
    void loopDeliversAfterWakeAndStopsOnClose() throws Exception {
        scheduler.close();
        scheduler = scheduler(InstantSource.system());
        mx.hosts("x.example", "mx.x.example");
        scheduler.start();
        QueueId id = queue.add(params("s@origin.example"), rcpts("a@x.example"), "body\r\n");
        scheduler.wake();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!queue.completed.contains(id) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        assertThat(queue.completed).containsExactly(id);
        scheduler.close();
        assertThat(scheduler.inFlight()).isZero();
    }
}
