package dev.rampart.server;

import dev.rampart.queue.MessageQueue;
import dev.rampart.server.admin.AdminServer;
import dev.rampart.server.admin.ReadinessCheck;
import dev.rampart.server.config.RampartConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The composition root of a running relay: builds the long-lived parts from the configuration, starts
 * them in dependency order and stops them in reverse. Today it runs the admin listener (health,
 * readiness, metrics, queue API) over the given queue; the SMTP listener and the delivery scheduler are
 * added here as they arrive.
 *
 * <p>{@link #start()} is called once; {@link #close()} may be called from any thread (the SIGTERM hook)
 * and more than once. {@link #awaitStopped()} blocks until {@link #close()} has finished.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    private final RampartConfig config;
    private final MessageQueue queue;
    private final AdminServer admin;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    /**
     * @param config          the validated configuration
     * @param queue           the message queue; closed by {@link #close()}
     * @param schedulerWakeup asks the delivery scheduler to look at the queue now (after flush or release)
     * @param meterRegistry   where every part registers its meters; scraped at /metrics
     * @param extraReadiness  conditions besides the queue's that must hold for /readyz
     */
    public RelayServer(RampartConfig config, MessageQueue queue, Runnable schedulerWakeup,
                       PrometheusMeterRegistry meterRegistry, List<ReadinessCheck> extraReadiness) {
        this.config = config;
        this.queue = queue;
        new JvmMemoryMetrics().bindTo(meterRegistry);
        new JvmGcMetrics().bindTo(meterRegistry);
        new JvmThreadMetrics().bindTo(meterRegistry);
        new ProcessorMetrics().bindTo(meterRegistry);
        new UptimeMetrics().bindTo(meterRegistry);
        List<ReadinessCheck> readiness = new ArrayList<>();
        readiness.add(this::queueProblem);
        readiness.addAll(extraReadiness);
        this.admin = new AdminServer(config.admin().listen(), meterRegistry, readiness, queue, schedulerWakeup);
    }

    /** Binds the listeners; on failure everything already started is stopped again. */
    public synchronized void start() throws IOException {
        try {
            admin.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.atInfo().addKeyValue("hostname", config.smtp().hostname())
                .addKeyValue("admin", AdminServer.hostPort(admin.address())).log("rampart started");
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        log.info("rampart stopping");
        admin.close();
        try {
            queue.close();
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("closing the queue failed");
        }
        log.info("rampart stopped");
        stopped.countDown();
    }

    /** Blocks until {@link #close()} has completed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private Optional<String> queueProblem() {
        try {
            queue.nextDue();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("queue: " + e.getMessage());
        }
    }
}
