package dev.rampart.server.delivery;

import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.dsn.DsnWriter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop (design.md step 3). A dedicated platform thread claims due messages from the
 * {@link MessageQueue} and hands each to a virtual thread; between rounds it sleeps until the queue's
 * next due time, an idle connection's expiry, or {@link #wake()}. Limits: {@code delivery.maxConnections}
 * sessions in total, {@code delivery.maxPerDestination} per next-hop domain, and a dead destination
 * gets one probe per retry round (QUE-04).
 *
 * <p>{@link #close()} stops claiming, lets in-flight attempts finish for a short grace period, then
 * closes connections so the rest end as deferred (a lost connection is a 451, QUE-07); whatever is
 * still ACTIVE after that returns to incoming at the next start (the queue's recovery). Thread-safe.
 */
public final class DeliveryScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryScheduler.class);
    private static final Duration MAX_SLEEP = Duration.ofSeconds(60);
    private static final Duration MIN_IDLE_SLEEP = Duration.ofMillis(100);
    private static final Duration ERROR_SLEEP = Duration.ofSeconds(5);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);
    private static final Duration FORGET_DESTINATIONS_AFTER = Duration.ofHours(1);

    private final MessageQueue queue;
    private final InstantSource clock;
    private final SessionConnector connector;
    private final boolean ownsConnector;
    private final SessionPool pool;
    private final DestinationTracker tracker;
    private final MessageDelivery messages;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean connectorOpen = new AtomicBoolean(true);
    private final List<CompletableFuture<Void>> running = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean woken;
    private volatile boolean stopping;
    private Thread loop;

    /** Delivers with the Netty {@link DeliveryClient}, which this scheduler owns and closes. */
    public DeliveryScheduler(RampartConfig config, MessageQueue queue, DestinationPlanner planner, DsnWriter dsn,
                             MeterRegistry metrics, InstantSource clock) {
        this(config, queue, planner, dsn, metrics, clock, new DeliveryClient(config.delivery()), true,
                TlsPlan.jdkRoots(), StsRecheck.NEVER, SessionRecorder.NONE);
    }

    /**
     * Delivers through {@code connector}, which the caller owns; PKIX plans validate against the JDK roots
     * only and no MTA-STS policy is rechecked before a bounce.
     */
    public DeliveryScheduler(RampartConfig config, MessageQueue queue, DestinationPlanner planner, DsnWriter dsn,
                             MeterRegistry metrics, InstantSource clock, SessionConnector connector) {
        this(config, queue, planner, dsn, metrics, clock, connector, TlsPlan.jdkRoots(), StsRecheck.NEVER);
    }

    /**
     * Delivers through {@code connector}, which the caller owns.
     *
     * @param webPkiTrust chain validation for PKIX plans (MTA-STS {@code enforce}, STS-18): the JDK roots
     *                    plus {@code tls.trust-store}
     * @param stsRecheck  asked before an MTA-STS {@code enforce} failure becomes a bounce (QUE-16)
     */
    public DeliveryScheduler(RampartConfig config, MessageQueue queue, DestinationPlanner planner, DsnWriter dsn,
                             MeterRegistry metrics, InstantSource clock, SessionConnector connector,
                             X509TrustManager webPkiTrust, StsRecheck stsRecheck) {
        this(config, queue, planner, dsn, metrics, clock, connector, false, webPkiTrust, stsRecheck,
                SessionRecorder.NONE);
    }

    /**
     * The relay's scheduler: as above, and every session's TLS-RPT record goes to {@code recorder}
     * (RPT-01).
     */
    public DeliveryScheduler(RampartConfig config, MessageQueue queue, DestinationPlanner planner, DsnWriter dsn,
                             MeterRegistry metrics, InstantSource clock, SessionConnector connector,
                             X509TrustManager webPkiTrust, StsRecheck stsRecheck, SessionRecorder recorder) {
        this(config, queue, planner, dsn, metrics, clock, connector, false, webPkiTrust, stsRecheck, recorder);
    }

    private DeliveryScheduler(RampartConfig config, MessageQueue queue, DestinationPlanner planner, DsnWriter dsn,
                              MeterRegistry metrics, InstantSource clock, SessionConnector connector,
                              boolean ownsConnector, X509TrustManager webPkiTrust, StsRecheck stsRecheck,
                              SessionRecorder recorder) {
        this.queue = queue;
        this.clock = clock;
        this.connector = connector;
        this.ownsConnector = ownsConnector;
        DeliveryClassifier classifier = new DeliveryClassifier();
        RampartConfig.Delivery delivery = config.delivery();
        this.pool = new SessionPool(delivery.connectionReuseIdle(), clock);
        this.tracker = new DestinationTracker(delivery.maxPerDestination(), clock,
                failures -> config.queue().retryDelay(failures), classifier);
        DeliveryLog log = new DeliveryLog(metrics);
        DomainDelivery domains = new DomainDelivery(delivery, planner::plan, config.tls().enforcement(),
                new TlsChecks(webPkiTrust, clock), connector, pool, tracker,
                new Semaphore(Math.max(1, delivery.maxConnections())), classifier, log, clock, webPkiTrust, recorder);
        this.messages = new MessageDelivery(config.queue(), queue, domains, new NoticeQueue(queue, dsn),
                log, classifier, clock, executor, new StsBounceRecheck(stsRecheck));
        this.maxInFlight = Math.max(100, delivery.maxConnections() * 10);
        Gauge.builder("rampart.delivery.in.flight", inFlight, AtomicInteger::get)
                .description("Messages being delivered now").register(metrics);
    }

    /** Starts the loop thread. Call once. */
    public void start() {
        lock.lock();
        try {
            if (loop != null) {
                throw new IllegalStateException("already started");
            }
            loop = Thread.ofPlatform().name("rampart-delivery-scheduler").daemon(false).start(this::loop);
        } finally {
            lock.unlock();
        }
    }

    /** Makes the loop look at the queue now (a message was queued, or the operator flushed the queue). */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One round: claims what is due (up to the free capacity) and starts an attempt for each. The
     * returned future completes when every attempt of this round has finished. The loop calls this;
     * it may also be called directly (it is safe alongside the loop).
     */
    public CompletableFuture<Void> runOnce() throws IOException {
        int capacity = maxInFlight - inFlight.get();
        if (stopping || capacity <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        List<QueueId> due = queue.claimDue(clock.instant(), capacity);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (QueueId id : due) {
            inFlight.incrementAndGet();
            CompletableFuture<Void> f = CompletableFuture.runAsync(() -> messages.process(id), executor)
                    .whenComplete((v, e) -> {
                        inFlight.decrementAndGet();
                        wake();
                    });
            started.add(f);
        }
        synchronized (running) {
            running.removeIf(CompletableFuture::isDone);
            running.addAll(started);
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    private void loop() {
        while (!stopping) {
            int claimedBefore = inFlight.get();
            boolean failed = false;
            try {
                runOnce();
            } catch (IOException | RuntimeException e) {
                LOG.error("claiming due messages failed: {}", SmtpConnection.describe(e), e);
                failed = true;
            }
            boolean claimedNothing = inFlight.get() <= claimedBefore;
            Optional<Instant> poolExpiry = pool.closeExpired();
            tracker.prune(clock.instant().minus(FORGET_DESTINATIONS_AFTER));
            // A failing queue (disk trouble) is not retried in a tight loop.
            Duration sleep = failed ? ERROR_SLEEP : sleepTime(poolExpiry, claimedNothing);
            lock.lock();
            try {
                if (!woken && !stopping) {
                    wakeUp.awaitNanos(sleep.toNanos());
                }
                woken = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private Duration sleepTime(Optional<Instant> poolExpiry, boolean claimedNothing) {
        Instant now = clock.instant();
        Duration sleep = MAX_SLEEP;
        if (inFlight.get() < maxInFlight) {
            try {
                Optional<Instant> due = queue.nextDue();
                if (due.isPresent()) {
                    sleep = min(sleep, Duration.between(now, due.get()));
                }
            } catch (IOException e) {
                LOG.warn("reading the next due time failed: {}", SmtpConnection.describe(e));
            }
        }
        if (poolExpiry.isPresent()) {
            sleep = min(sleep, Duration.between(now, poolExpiry.get()));
        }
        // Something due but nothing claimable (held, or claimed by another round): do not spin.
        return claimedNothing && sleep.compareTo(MIN_IDLE_SLEEP) < 0 ? MIN_IDLE_SLEEP : max(sleep, Duration.ZERO);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Number of messages being delivered right now. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        stopping = true;
        wake();
        Thread t;
        lock.lock();
        try {
            t = loop;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join(CLOSE_LIMIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CompletableFuture<Void> all;
        synchronized (running) {
            all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
        }
        if (!await(all, CLOSE_GRACE)) {
            // Attempts waiting for admission give up; open sessions are cut, so their recipients defer.
            releaseResources();
            if (!await(all, CLOSE_LIMIT)) {
                LOG.warn("{} delivery attempt(s) still running at shutdown; they are retried after a restart",
                        inFlight.get());
            }
        }
        releaseResources();
        executor.shutdown();
    }

    private void releaseResources() {
        tracker.close();
        pool.close();
        if (ownsConnector && connectorOpen.compareAndSet(true, false)) {
            connector.close();
        }
    }

    private static boolean await(CompletableFuture<Void> f, Duration limit) {
        try {
            f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return f.isDone();
        }
    }
}
