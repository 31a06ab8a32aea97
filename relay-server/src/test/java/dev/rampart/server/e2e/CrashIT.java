package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance for QUE-02 / SUB-10: no acknowledged message is ever lost. A client thread submits messages
 * in a loop while the relay is killed with SIGKILL at several points and restarted each time; at the end
 * every message that got a 250 must reach the receiver. Duplicates are allowed (a crash between delivery
 * and marking it done resends) and are reported, not failed.
 *
 * <p>The kill points are random but seeded; the seed is printed and can be replayed with
 * {@code -Dcrash.seed=N}.
 */
class CrashIT {

    private static final int MESSAGES = 80;
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void que02_sub10_noAcknowledgedMessageIsLostAcrossKill9() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        int kills = 3 + random.nextInt(3);
        TreeSet<Integer> killPoints = new TreeSet<>();
        while (killPoints.size() < kills) {
            killPoints.add(5 + random.nextInt(MESSAGES - 10));
        }
        System.out.println("CrashIT seed=" + seed + " kills=" + kills + " after acknowledged messages " + killPoints);

        try (PostfixReceiver mx = PostfixReceiver.builder("mx.crash.test").domains("crash.test").start(dir.resolve("mx"));
             NsdServer nsd = NsdServer.start(new TestZones().mx("crash.test", 10, "mx.crash.test")
                     .a("mx.crash.test", mx.address()), dir.resolve("nsd"));
             RampartProcess relay = RampartProcess.builder(dir.resolve("relay")).dns(nsd).retrySchedule("1s").start()) {

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Semaphore progress = new Semaphore(0);
            AtomicBoolean done = new AtomicBoolean();
            Instant deadline = Instant.now().plus(DEADLINE);
            ExecutorService client = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> attempts = client.submit(() -> submitLoop(relay, acknowledged, progress, done, deadline));
                int acked = 0;
                for (int point : killPoints) {
                    // Wait for the client to reach the kill point (each acknowledgement releases one permit).
                    while (acked < point) {
                        if (!progress.tryAcquire(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS)) {
                            throw new AssertionError("client stalled at " + acked + " acknowledged\n" + relay.diagnostics());
                        }
                        acked++;
                    }
                    System.out.println("CrashIT: kill -9 relay pid " + relay.pid() + " after " + acked + " acknowledged");
                    relay.kill9();
                    relay.restart();
                }
                int submittedAttempts = attempts.get(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
                System.out.println("CrashIT: " + acknowledged.size() + " acknowledged of " + submittedAttempts + " attempts");
            } finally {
                done.set(true);
                client.shutdownNow();
                assertThat(client.awaitTermination(30, TimeUnit.SECONDS)).as("client thread ends").isTrue();
            }

            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(MESSAGES);
            Map<String, Integer> delivered = Await.until("every acknowledged message at the receiver", DELIVERY_WAIT, () -> {
                Map<String, Integer> counts = deliveredCounts(mx);
                return counts.keySet().containsAll(acknowledged) ? java.util.Optional.of(counts) : java.util.Optional.empty();
            }, () -> {
                try {
                    Set<String> missing = new TreeSet<>(acknowledged);
                    missing.removeAll(deliveredCounts(mx).keySet());
                    return "missing " + missing.size() + ": " + missing + "\n" + relay.diagnostics() + "\n" + mx.diagnostics();
                } catch (IOException e) {
                    return e.toString();
                }
            });

            Map<String, Integer> duplicates = new TreeMap<>();
            delivered.forEach((tag, n) -> {
                if (n > 1) {
                    duplicates.put(tag, n);
                }
            });
            System.out.println("CrashIT: delivered " + delivered.size() + " distinct, duplicates " + duplicates.size()
                    + (duplicates.isEmpty() ? "" : ": " + duplicates));
            Set<String> lost = new TreeSet<>(acknowledged);
            lost.removeAll(delivered.keySet());
            assertThat(lost).as("acknowledged but never delivered (seed " + seed + ")").isEmpty();
        }
    }

    /**
     * Submits crash-0, crash-1, ... one per connection until {@link #MESSAGES} were acknowledged. A refused
     * connection or a session cut by the kill is not an acknowledgement; the next message is tried after a
     * reconnect. Returns the number of attempts.
     */
    private static int submitLoop(RampartProcess relay, Set<String> acknowledged, Semaphore progress, AtomicBoolean done,
                                  Instant deadline) throws InterruptedException {
        int attempt = 0;
        while (acknowledged.size() < MESSAGES && !done.get() && Instant.now().isBefore(deadline)) {
            String tag = "crash-" + attempt++;
            try (SmtpSubmitter smtp = SmtpSubmitter.connect(relay.smtp(), Duration.ofSeconds(20))) {
                smtp.ehlo("crash-client.test");
                SmtpSubmitter.Outcome o = smtp.send("loader@crash.test", List.of("sink@crash.test"),
                        TestMail.message("loader@crash.test", List.of("sink@crash.test"), tag));
                if (o.accepted()) {
                    acknowledged.add(tag);
                    progress.release();
                }
                smtp.quit();
            } catch (IOException relayDownOrKilled) {
                // Not acknowledged: the relay owes nothing for this one. Pace reconnects while it restarts.
                Thread.sleep(20);
            }
        }
        return attempt;
    }

    /** Subject tag → how many copies reached the receiver. */
    private static Map<String, Integer> deliveredCounts(PostfixReceiver mx) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (MaildirMessage m : mx.messages()) {
            m.header("Subject").filter(s -> s.startsWith("crash-")).ifPresent(s -> counts.merge(s, 1, Integer::sum));
        }
        return Collections.unmodifiableMap(counts);
    }
}
