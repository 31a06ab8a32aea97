package dev.rampart.server.smtp;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor (the pattern from the
 * {@link Executor} javadoc). Each SMTP session has one, so its file work stays ordered while all sessions
 * share one pool. Thread-safe. A task that throws is logged and does not stop the ones after it.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger("rampart.smtp");

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private Runnable active;

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("session task failed", e);
            } finally {
                scheduleNext();
            }
        });
        if (active == null) {
            scheduleNext();
        }
    }

    private synchronized void scheduleNext() {
        active = tasks.poll();
        if (active != null) {
            delegate.execute(active);
        }
    }
}
