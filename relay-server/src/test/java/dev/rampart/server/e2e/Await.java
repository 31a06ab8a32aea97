package dev.rampart.server.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Polling of a real condition with a deadline, for state that lives in another process (a Maildir, a log
 * file, a listening socket) and so cannot signal a latch. The interval is short and only paces the probe;
 * the deadline bounds the wait; a timeout fails with what was awaited and the supplied diagnostics.
 */
final class Await {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Await() {}

    /** Thrown by a probe when waiting longer is pointless (e.g. the process it waits for has died). */
    static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort(String message) {
            super(message);
        }
    }

    /** Probes until it returns a value; exceptions from the probe count as "not yet". */
    static <T> T until(String what, Duration timeout, Callable<Optional<T>> probe, Supplier<String> diagnostics)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (true) {
            try {
                Optional<T> value = probe.call();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (InterruptedException | Abort e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (Instant.now().isAfter(deadline)) {
                AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what
                        + (last == null ? "" : " (last probe error: " + last + ")") + "\n" + diagnostics.get());
                if (last != null) {
                    error.addSuppressed(last);
                }
                throw error;
            }
            Thread.sleep(INTERVAL.toMillis());
        }
    }

    static void untilTrue(String what, Duration timeout, Callable<Boolean> probe, Supplier<String> diagnostics)
            throws InterruptedException {
        until(what, timeout, () -> probe.call() ? Optional.of(Boolean.TRUE) : Optional.empty(), diagnostics);
    }
}
