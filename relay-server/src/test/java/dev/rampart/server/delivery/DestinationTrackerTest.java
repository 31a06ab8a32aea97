package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.server.delivery.DestinationTracker.Admission;
import dev.rampart.server.delivery.DestinationTracker.Finding;
import dev.rampart.server.delivery.SchedulerFakes.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DestinationTrackerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final DestinationTracker tracker = new DestinationTracker(2, clock,
            failures -> Duration.ofMinutes(30L * failures), new DeliveryClassifier());
    private final Verdict refused = new Verdict(Disposition.TRY_NEXT_HOST, "4.4.1", "connect failed: refused");

    private DestinationTracker.Lease granted(Admission a) {
        assertThat(a).isInstanceOf(Admission.Granted.class);
        return ((Admission.Granted) a).lease();
    }

    @Test
    void oneProbeUntilTheDestinationIsKnownThenUpToTheLimit() throws Exception {
        DestinationTracker.Lease probe = granted(tracker.admit("x.example"));
        assertThat(probe.probe()).isTrue();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Admission> second = CompletableFuture.supplyAsync(() -> admit("x.example"), executor);
            CompletableFuture<Admission> third = CompletableFuture.supplyAsync(() -> admit("x.example"), executor);
            // other destinations are independent
            granted(tracker.admit("y.example")).finish(new Finding.Reached());
            assertThat(second).isNotDone();
            probe.finish(new Finding.Reached());
            DestinationTracker.Lease a = granted(second.get(5, TimeUnit.SECONDS));
            DestinationTracker.Lease b = granted(third.get(5, TimeUnit.SECONDS));
            assertThat(a.probe()).isFalse();
            CompletableFuture<Admission> fourth = CompletableFuture.supplyAsync(() -> admit("x.example"), executor);
            assertThat(fourth).isNotDone();
            a.finish(new Finding.Reached());
            granted(fourth.get(5, TimeUnit.SECONDS)).finish(new Finding.Reached());
            b.finish(new Finding.Reached());
        }
    }

    @Test
    void unreachableDestinationIsRefusedUntilItsBackoffPassesQue04() throws Exception {
        granted(tracker.admit("dead.example")).finish(new Finding.Unreachable(refused));
        Admission a = tracker.admit("dead.example");
        assertThat(a).isInstanceOf(Admission.Refused.class);
        assertThat(((Admission.Refused) a).verdict().disposition()).isEqualTo(Disposition.DEFER);
        assertThat(tracker.dead("dead.example")).isTrue();
        clock.advance(Duration.ofMinutes(30));
        DestinationTracker.Lease probe = granted(tracker.admit("dead.example"));
        assertThat(probe.probe()).isTrue();
        probe.finish(new Finding.Unreachable(refused));
        // second consecutive failure: longer backoff
        clock.advance(Duration.ofMinutes(59));
        assertThat(tracker.admit("dead.example")).isInstanceOf(Admission.Refused.class);
        clock.advance(Duration.ofMinutes(1));
        granted(tracker.admit("dead.example")).finish(new Finding.Reached());
        assertThat(tracker.dead("dead.example")).isFalse();
    }

    @Test
    void pruneForgetsIdleLiveDestinationsButKeepsDeadOnes() throws Exception {
        granted(tracker.admit("live.example")).finish(new Finding.Reached());
        granted(tracker.admit("dead.example")).finish(new Finding.Unreachable(refused));
        clock.advance(Duration.ofMinutes(10));
        tracker.prune(clock.instant());
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(tracker.dead("dead.example")).isTrue();
    }

    @Test
    void closeReleasesWaiters() throws Exception {
        DestinationTracker.Lease probe = granted(tracker.admit("x.example"));
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Admission> waiting = CompletableFuture.supplyAsync(() -> admit("x.example"), executor);
            tracker.close();
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(Admission.Refused.class);
        }
        probe.finish(new Finding.Nothing());
    }

    private Admission admit(String destination) {
        try {
            return tracker.admit(destination);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
