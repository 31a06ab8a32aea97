package dev.rampart.server.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * Per next-hop domain admission: at most {@code maxPerDestination} deliveries at once, and dead
 * destinations cost one probe per retry round, not one per message (QUE-04, RFC 5321 §4.5.4.1).
 *
 * <p>A destination not known to be reachable (new, or dead whose backoff has passed) admits exactly one
 * delivery, the probe; others wait for its result. If the probe reached a server, the destination is
 * alive and admits up to the limit; if nothing could be reached, it is dead until the backoff for its
 * number of consecutive failures has passed, and every admission until then is refused at once.
 * Thread-safe; {@link #admit} blocks (virtual threads), never call it on an event loop.
 */
final class DestinationTracker {

    /** The result of asking to deliver to a destination. */
    sealed interface Admission {
        record Granted(Lease lease) implements Admission {}

        /** Do not connect; the recipients get this verdict. */
        record Refused(Verdict verdict) implements Admission {}
    }

    /** What a delivery learnt about its destination. */
    sealed interface Finding {
        /** Some server answered. */
        record Reached() implements Finding {}

        /** No server could be reached; {@code cause} is the last failure. */
        record Unreachable(Verdict cause) implements Finding {}

        /** Nothing was tried (e.g. the DNS lookup failed). */
        record Nothing() implements Finding {}
    }

    private final int maxPerDestination;
    private final InstantSource clock;
    private final IntFunction<Duration> backoff;
    private final DeliveryClassifier classifier;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, State> states = new HashMap<>();
    private boolean closed;

    DestinationTracker(int maxPerDestination, InstantSource clock, IntFunction<Duration> backoff,
                       DeliveryClassifier classifier) {
        this.maxPerDestination = Math.max(1, maxPerDestination);
        this.clock = clock;
        this.backoff = backoff;
        this.classifier = classifier;
    }

    private static final class State {
        int active;
        boolean probing;
        boolean alive;
        int failures;
        Instant deadUntil = Instant.MIN;
        Instant lastUsed = Instant.MIN;
        Verdict cause;
    }

    Admission admit(String destination) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return new Admission.Refused(new Verdict(Disposition.DEFER, "4.3.2", "delivery is shutting down"));
                }
                State st = states.computeIfAbsent(destination, d -> new State());
                st.lastUsed = clock.instant();
                if (clock.instant().isBefore(st.deadUntil)) {
                    return new Admission.Refused(classifier.destinationDead(st.cause));
                }
                if (st.alive && st.active < maxPerDestination) {
                    st.active++;
                    return new Admission.Granted(new Lease(destination, false));
                }
                if (!st.alive && !st.probing) {
                    st.probing = true;
                    st.active++;
                    return new Admission.Granted(new Lease(destination, true));
                }
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the destination is currently dead (for tests and explain output). */
    boolean dead(String destination) {
        lock.lock();
        try {
            State st = states.get(destination);
            return st != null && clock.instant().isBefore(st.deadUntil);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets idle destinations not used since {@code idleSince} that are not dead, so the table does not
     * grow with every domain ever seen. A forgotten destination starts again with a single probe.
     */
    void prune(Instant idleSince) {
        lock.lock();
        try {
            Instant now = clock.instant();
            states.values().removeIf(st -> st.active == 0 && !st.probing && !now.isBefore(st.deadUntil)
                    && st.lastUsed.isBefore(idleSince));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return states.size();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every waiting and future admission. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One admitted delivery; {@link #finish} exactly once. */
    final class Lease {
        private final String destination;
        private final boolean probe;
        private boolean finished;

        private Lease(String destination, boolean probe) {
            this.destination = destination;
            this.probe = probe;
        }

        boolean probe() {
            return probe;
        }

        void finish(Finding finding) {
            Objects.requireNonNull(finding);
            lock.lock();
            try {
                if (finished) {
                    return;
                }
                finished = true;
                State st = states.get(destination);
                st.active--;
                if (probe) {
                    st.probing = false;
                }
                switch (finding) {
                    case Finding.Reached r -> {
                        st.alive = true;
                        st.failures = 0;
                        st.deadUntil = Instant.MIN;
                        st.cause = null;
                    }
                    case Finding.Unreachable u -> {
                        st.alive = false;
                        st.failures++;
                        st.cause = u.cause();
                        st.deadUntil = clock.instant().plus(backoff.apply(st.failures));
                    }
                    case Finding.Nothing n -> { }
                }
                if (st.active == 0 && !st.alive && !clock.instant().isBefore(st.deadUntil) && st.failures == 0) {
                    states.remove(destination);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
