package dev.rampart.policy.dns;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that DNSSEC validation works, at start and periodically: a known-signed name must come back
 * SECURE (secure data or a secure denial), and each configured known-broken name must fail as BOGUS.
 * A validator whose trust anchor does not match, or an upstream that strips signatures, fails the
 * first test; a "validator" that accepts anything fails the second. When unhealthy, DANE is impossible
 * but mail still flows under the remaining policies; the result feeds {@code /readyz}, a gauge and the
 * log. In OFF mode nothing is asked and the state is {@link State#OFF}, which is not a failure.
 *
 * <p>The verdict itself is {@link #evaluate}, a pure function of the lookup results. Thread-safe:
 * {@link #latest()} may be read from any thread while a check runs.
 */
public final class DnssecSelfCheck {
    private static final Logger log = LoggerFactory.getLogger(DnssecSelfCheck.class);

    /** Where the validator stands. */
    public enum State {
        /** No check has finished yet. */
        PENDING,
        /** The last check passed. */
        OK,
        /** The last check failed: DANE cannot be trusted. */
        FAILED,
        /** Validation is switched off: nothing to check, DANE impossible. */
        OFF
    }

    /**
     * The latest verdict.
     *
     * @param state     see {@link State}
     * @param reason    one line for logs and {@code /readyz}: what was proven or what went wrong
     * @param checkedAt when this verdict was reached (creation time while PENDING)
     */
    public record Health(State state, String reason, Instant checkedAt) {
        public Health {
            Objects.requireNonNull(state);
            Objects.requireNonNull(reason);
            Objects.requireNonNull(checkedAt);
        }

        /** Whether readiness may pass: the check succeeded, or validation is deliberately off. */
        public boolean ok() {
            return switch (state) {
                case OK, OFF -> true;
                case PENDING, FAILED -> false;
            };
        }
    }

    private final DnsResolver resolver;
    private final DnssecMode mode;
    private final String secureName;
    private final List<String> bogusNames;
    private final InstantSource clock;
    private final AtomicReference<Health> latest;
    private final AtomicBoolean offAnnounced = new AtomicBoolean();

    /**
     * @param secureName a name in a signed zone under the configured anchors
     * @param bogusNames names whose signatures are known to be broken; may be empty
     */
    public DnssecSelfCheck(DnsResolver resolver, DnssecMode mode, String secureName, List<String> bogusNames,
                           InstantSource clock) {
        this.resolver = Objects.requireNonNull(resolver);
        this.mode = Objects.requireNonNull(mode);
        this.secureName = Objects.requireNonNull(secureName);
        this.bogusNames = List.copyOf(bogusNames);
        this.clock = Objects.requireNonNull(clock);
        this.latest = new AtomicReference<>(mode == DnssecMode.OFF
                ? off(clock.instant())
                : new Health(State.PENDING, "DNSSEC self-check has not finished yet", clock.instant()));
    }

    /** The verdict of the last finished check. */
    public Health latest() {
        return latest.get();
    }

    /** Runs one check; the future completes (never exceptionally) with the new verdict, also kept as latest. */
    public CompletableFuture<Health> run() {
        if (mode == DnssecMode.OFF) {
            Health off = off(clock.instant());
            latest.set(off);
            if (offAnnounced.compareAndSet(false, true)) {
                log.atWarn().addKeyValue("reason", off.reason())
                        .log("DNSSEC validation is off: every DNS answer counts as insecure and DANE is never used");
            }
            return CompletableFuture.completedFuture(off);
        }
        CompletableFuture<DnsResult<String>> secure = resolver.txt(secureName);
        List<CompletableFuture<DnsResult<String>>> bogus = bogusNames.stream().map(resolver::txt).toList();
        CompletableFuture<?>[] all = new CompletableFuture<?>[bogus.size() + 1];
        all[0] = secure;
        for (int i = 0; i < bogus.size(); i++) {
            all[i + 1] = bogus.get(i);
        }
        return CompletableFuture.allOf(all).handle((ignored, error) -> {
            Health h;
            if (error != null) {
                h = new Health(State.FAILED, "DNSSEC self-check could not run: " + error, clock.instant());
            } else {
                List<Map.Entry<String, DnsResult<?>>> broken = new ArrayList<>();
                for (int i = 0; i < bogus.size(); i++) {
                    broken.add(Map.entry(bogusNames.get(i), bogus.get(i).join()));
                }
                h = evaluate(mode, secureName, secure.join(), broken, clock.instant());
            }
            publish(h);
            return h;
        });
    }

    /**
     * Runs now and then every {@code interval} on {@code scheduler}. Each run waits for its lookups, which
     * the resolver bounds by its timeout, so runs never overlap.
     */
    public ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Duration interval) {
        return scheduler.scheduleWithFixedDelay(this::runAndWait, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runAndWait() {
        try {
            run().join();
        } catch (RuntimeException e) {
            // A task that throws is never run again by the scheduler: record the failure and keep checking.
            publish(new Health(State.FAILED, "DNSSEC self-check could not run: " + e, clock.instant()));
        }
    }

    /**
     * The verdict from the lookup results. The secure name must be answered (data, NODATA or NXDOMAIN)
     * with status SECURE. Each broken name must fail as BOGUS; in TRUST_AD mode a plain SERVFAIL also
     * counts, since that is how a validating resolver without extended errors reports bogus data
     * (RFC 4035 §5.5).
     */
    public static Health evaluate(DnssecMode mode, String secureName, DnsResult<?> secure,
                                  List<Map.Entry<String, DnsResult<?>>> broken, Instant at) {
        if (mode == DnssecMode.OFF) {
            return off(at);
        }
        String problem = switch (secure) {
            case DnsResult.Records<?> r -> notSecure(secureName, r.status());
            case DnsResult.NoData<?> n -> notSecure(secureName, n.status());
            case DnsResult.NxDomain<?> n -> notSecure(secureName, n.status());
            case DnsResult.Failure<?> f -> "signed name " + secureName + " did not resolve (" + kind(f.kind()) + ": "
                    + f.reason() + ")";
        };
        if (!problem.isEmpty()) {
            return new Health(State.FAILED, "DNSSEC validation is not working: " + problem, at);
        }
        for (Map.Entry<String, DnsResult<?>> b : broken) {
            String accepted = switch (b.getValue()) {
                case DnsResult.Failure<?> f when f.kind() == FailureKind.BOGUS -> "";
                case DnsResult.Failure<?> f when mode == DnssecMode.TRUST_AD && f.kind() == FailureKind.SERVFAIL -> "";
                case DnsResult.Failure<?> f -> "failed as " + kind(f.kind()) + " instead of bogus (" + f.reason() + ")";
                case DnsResult.Records<?> r -> "was answered as " + r.status();
                case DnsResult.NoData<?> n -> "was answered (no data) as " + n.status();
                case DnsResult.NxDomain<?> n -> "was answered (no such domain) as " + n.status();
            };
            if (!accepted.isEmpty()) {
                return new Health(State.FAILED, "DNSSEC validation is not working: broken name " + b.getKey() + " "
                        + accepted, at);
            }
        }
        String proof = "signed name " + secureName + " is secure"
                + (broken.isEmpty() ? "" : ", broken " + (broken.size() == 1 ? "name " : "names ")
                + String.join(", ", broken.stream().map(Map.Entry::getKey).toList()) + " bogus");
        return new Health(State.OK, "DNSSEC validation works: " + proof, at);
    }

    private static String notSecure(String name, DnssecStatus status) {
        return status == DnssecStatus.SECURE ? ""
                : "signed name " + name + " came back " + status
                + " (trust anchor does not match, or the upstream does not pass DNSSEC records through)";
    }

    private static String kind(FailureKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static Health off(Instant at) {
        return new Health(State.OFF, "DNSSEC validation is off", at);
    }

    private void publish(Health h) {
        Health before = latest.getAndSet(h);
        boolean changed = before.state() != h.state() || !before.reason().equals(h.reason());
        if (h.state() == State.FAILED) {
            log.atWarn().addKeyValue("reason", h.reason()).log("DNSSEC self-check failed");
        } else if (changed) {
            log.atInfo().addKeyValue("reason", h.reason()).log("DNSSEC self-check passed");
        }
    }
}
