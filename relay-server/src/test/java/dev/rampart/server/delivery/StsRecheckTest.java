package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueueState;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.SchedulerFakes.FakeConnector;
import dev.rampart.server.delivery.SchedulerFakes.FakeDsn;
import dev.rampart.server.delivery.SchedulerFakes.FakeMx;
import dev.rampart.server.delivery.SchedulerFakes.MutableClock;
import dev.rampart.server.delivery.StsFixtures.ScriptedSts;
import dev.rampart.server.delivery.dsn.DsnAction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * QUE-16 (RFC 8461 §5.1): before recipients deferred by an MTA-STS {@code enforce} failure are bounced at
 * expiry, the policy id is checked again; a new policy earns exactly one more attempt, an unchanged one
 * lets the bounce stand. Fake DNS, a scripted policy and a fake connector; time is a mutable clock.
 */
class StsRecheckTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryQueue queue = new InMemoryQueue(clock);
    private final FakeMx mx = new FakeMx();
    private final FakeDsn dsn = new FakeDsn();
    private final FakeConnector connector = new FakeConnector();
    private final ScriptedSts sts = new ScriptedSts();
    private final List<String> rechecked = new CopyOnWriteArrayList<>();
    private volatile StsRecheck answer = d -> false;
    private final DeliveryScheduler scheduler = scheduler();

    private DeliveryScheduler scheduler() {
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(25, Duration.ofSeconds(5)),
                List.of(Duration.ofHours(1)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofDays(10));
        return new DeliveryScheduler(config, queue, new DestinationPlanner(mx, new SchedulerFakes.FakeTlsa(), sts,
                PolicyMap.EMPTY), dsn, new SimpleMeterRegistry(), clock, connector, TlsPlan.jdkRoots(), domain -> {
                    rechecked.add(domain);
                    return answer.policyReplaced(domain);
                });
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    /** mx2 is the only MX; the cached enforce policy lists only mx1, so every attempt defers 4.7.5 (row 11). */
    private QueueId deferredUntilExpiry() throws Exception {
        mx.hosts("x.example", "mx2.x.example");
        sts.outcomes.put("x.example", StsFixtures.policyWithId("x.example", "id1", "enforce", "mx1.x.example"));
        QueueId id = queue.add(params("s@origin.example"), List.of(RecipientSpec.of("a@x.example")), "body\r\n");
        scheduler.runOnce().join();
        assertThat(queue.entry(id).state).isEqualTo(QueueState.DEFERRED);
        assertThat(rechecked).isEmpty();
        clock.advance(Duration.ofDays(5));
        return id;
    }

    @Test
    void aChangedPolicyIdEarnsOneMoreAttemptInsteadOfTheBounceQue16() throws Exception {
        QueueId id = deferredUntilExpiry();
        answer = domain -> {
            sts.outcomes.put(domain, StsFixtures.policyWithId(domain, "id2", "enforce", "*.x.example"));
            return true;
        };
        scheduler.runOnce().join();
        assertThat(rechecked).containsExactly("x.example");
        assertThat(connector.opens).containsExactly("mx2.x.example");
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).isEmpty();
    }

    @Test
    void anUnchangedPolicyIdLetsTheBounceStandQue16() throws Exception {
        QueueId id = deferredUntilExpiry();
        scheduler.runOnce().join();
        assertThat(rechecked).containsExactly("x.example");
        assertThat(connector.opens).isEmpty();
        assertThat(queue.completed).startsWith(id);
        assertThat(dsn.written).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(DsnAction.FAILED);
            assertThat(r.statuses()).containsExactly("4.7.5");
        });
    }

    @Test
    void aNewPolicyThatStillFailsGetsExactlyOneMoreAttemptThenBouncesQue16() throws Exception {
        QueueId id = deferredUntilExpiry();
        answer = domain -> {
            sts.outcomes.put(domain, StsFixtures.policyWithId(domain, "id2", "enforce", "mx2.x.example"));
            return true;
        };
        connector.failing.put("mx2.x.example", new SessionFailure.TlsRequired(
                "MTA-STS enforce: certificate names [a.example] do not match mx2.x.example"));
        scheduler.runOnce().join();
        assertThat(rechecked).containsExactly("x.example");
        assertThat(connector.opens).containsExactly("mx2.x.example");
        assertThat(queue.completed).startsWith(id);
        assertThat(dsn.written).singleElement().satisfies(r -> assertThat(r.statuses()).containsExactly("4.7.5"));
    }

    @Test
    void aFailingRecheckLetsTheBounceStandQue16() throws Exception {
        QueueId id = deferredUntilExpiry();
        answer = domain -> {
            throw new IllegalStateException("resolver closed");
        };
        scheduler.runOnce().join();
        assertThat(queue.completed).startsWith(id);
        assertThat(dsn.written).singleElement().satisfies(r -> assertThat(r.action()).isEqualTo(DsnAction.FAILED));
    }

    @Test
    void failuresOtherThanMtaStsEnforceAreNeverRecheckedQue16() throws Exception {
        mx.hosts("x.example", "mx1.x.example");
        sts.outcomes.put("x.example", StsFixtures.policy("x.example", "enforce", "mx1.x.example"));
        connector.refusing.add("mx1.x.example");
        QueueId id = queue.add(params("s@origin.example"), List.of(RecipientSpec.of("a@x.example")), "body\r\n");
        scheduler.runOnce().join();
        clock.advance(Duration.ofDays(5));
        scheduler.runOnce().join();
        assertThat(rechecked).isEmpty();
        assertThat(queue.completed).startsWith(id);
    }
}
