package dev.rampart.server.delivery;

import dev.rampart.policy.dns.DomainNames;
import dev.rampart.queue.Envelope;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.RecipientUpdate;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.dsn.DsnAction;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt of one claimed (ACTIVE) message (design.md steps 3 and 6): pending recipients
 * grouped by next-hop domain, each group delivered in one transaction per session (QUE-05), groups in
 * parallel; then expiry (QUE-15, after the MTA-STS recheck of {@link StsBounceRecheck}, QUE-16), notices (QUE-10, QUE-13, QUE-14), the durable per-recipient update,
 * one log line per recipient, and finally {@code complete} or {@code defer} with the retry schedule
 * (QUE-03: never an immediate retry).
 *
 * <p>Notices are queued before the update that records the outcome, so a crash in between sends a
 * notice twice rather than never. Any unexpected failure defers the message: a bug delays mail, it
 * never loses or bounces it. Blocking; thread-safe.
 */
final class MessageDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDelivery.class);

    private final RampartConfig.Queue config;
    private final MessageQueue queue;
    private final DomainDelivery domains;
    private final NoticeQueue notices;
    private final DeliveryLog log;
    private final DeliveryClassifier classifier;
    private final InstantSource clock;
    private final ExecutorService executor;
    private final StsBounceRecheck stsRecheck;

    MessageDelivery(RampartConfig.Queue config, MessageQueue queue, DomainDelivery domains, NoticeQueue notices,
                    DeliveryLog log, DeliveryClassifier classifier, InstantSource clock, ExecutorService executor,
                    StsBounceRecheck stsRecheck) {
        this.config = config;
        this.queue = queue;
        this.domains = domains;
        this.notices = notices;
        this.log = log;
        this.classifier = classifier;
        this.clock = clock;
        this.executor = executor;
        this.stsRecheck = stsRecheck;
    }

    /** Runs the attempt; never throws. */
    void process(QueueId id) {
        try {
            attempt(id);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error("queue_id={} delivery attempt failed, deferring: {}", id, SmtpConnection.describe(e), e);
            try {
                queue.defer(id, clock.instant().plus(config.retryDelay(1)));
            } catch (IOException | RuntimeException again) {
                LOG.error("queue_id={} could not be deferred; it is retried after a restart: {}", id,
                        SmtpConnection.describe(again));
            }
        }
    }

    private void attempt(QueueId id) throws IOException, InterruptedException {
        Optional<QueuedMessage> opened = queue.open(id);
        if (opened.isEmpty()) {
            return;
        }
        QueuedMessage message = opened.get();
        Envelope envelope = message.envelope();
        List<RecipientStatus> pending = envelope.recipients().stream().filter(r -> !r.state().isFinal()).toList();
        if (pending.isEmpty()) {
            queue.complete(id);
            return;
        }
        List<RecipientAttempt> attempts = deliver(message, pending);
        Instant now = clock.instant();
        Duration maxAge = envelope.params().nullSender() ? config.bounceMaxAge() : config.maxAge();
        Instant expiresAt = envelope.arrival().plus(maxAge);
        boolean expired = !now.isBefore(expiresAt);
        if (expired) {
            attempts = stsRecheck.beforeBounce(id, attempts, (domain, rcpts) -> timed(message, domain, rcpts));
            attempts = attempts.stream().map(a -> a.verdict().disposition() == Disposition.DEFER
                    ? new RecipientAttempt(a.recipient(), classifier.expired(a.verdict()), a.relay(), a.tls(),
                            a.peerLacksDsn(), a.policy()) : a).toList();
        }
        NoticeOutcome noticeOutcome = sendNotices(message, envelope, attempts, now, expiresAt, expired);
        if (noticeOutcome.failureNoticeLost()) {
            attempts = attempts.stream().map(a -> a.verdict().disposition() == Disposition.BOUNCE
                    ? new RecipientAttempt(a.recipient(), new Verdict(Disposition.DEFER, "4.3.0",
                            a.verdict().diagnostic() + " (failure notice not yet queued)"), a.relay(), a.tls(),
                            a.peerLacksDsn(), a.policy()) : a).toList();
        }
        Set<Integer> delayNoticeSent = noticeOutcome.delayNotified();

        List<RecipientUpdate> updates = new ArrayList<>();
        for (RecipientAttempt a : attempts) {
            RecipientStatus r = a.recipient();
            updates.add(new RecipientUpdate(r.index(), state(a.verdict().disposition()), now,
                    a.verdict().diagnostic(), a.relay().remoteMta(), true,
                    r.delayNotified() || delayNoticeSent.contains(r.index())));
        }
        Envelope updated = queue.update(id, updates);

        Map<Integer, Integer> attemptCounts = new HashMap<>();
        updated.recipients().forEach(r -> attemptCounts.put(r.index(), r.attempts()));
        for (RecipientAttempt a : attempts) {
            log.attempt(id, a, Duration.between(envelope.arrival(), now),
                    attemptCounts.getOrDefault(a.recipient().index(), a.recipient().attempts() + 1));
        }
        if (updated.allFinal()) {
            queue.complete(id);
            return;
        }
        int tries = updated.recipients().stream().filter(r -> !r.state().isFinal())
                .mapToInt(RecipientStatus::attempts).max().orElse(1);
        Instant next = now.plus(config.retryDelay(Math.max(1, tries)));
        if (next.isAfter(expiresAt) && expiresAt.isAfter(now)) {
            // Come back exactly when the message expires, so the failure notice is not late.
            next = expiresAt;
        }
        queue.defer(id, next);
    }

    /** Groups by next-hop domain and delivers each group; groups run in parallel. */
    private List<RecipientAttempt> deliver(QueuedMessage message, List<RecipientStatus> pending)
            throws InterruptedException {
        Map<String, List<RecipientStatus>> byDomain = new LinkedHashMap<>();
        List<RecipientAttempt> results = new ArrayList<>();
        for (RecipientStatus r : pending) {
            Optional<String> domain = nextHop(r.address());
            if (domain.isEmpty()) {
                results.add(new RecipientAttempt(r, new Verdict(Disposition.BOUNCE, "5.1.3",
                        "bad destination address syntax"), RelayInfo.none(), ObservedTls.none(), false));
            } else {
                byDomain.computeIfAbsent(domain.get(), d -> new ArrayList<>()).add(r);
            }
        }
        if (byDomain.size() == 1) {
            var only = byDomain.entrySet().iterator().next();
            results.addAll(timed(message, only.getKey(), only.getValue()));
            return results;
        }
        List<Future<List<RecipientAttempt>>> running = new ArrayList<>();
        for (var group : byDomain.entrySet()) {
            running.add(executor.submit(() -> timed(message, group.getKey(), group.getValue())));
        }
        for (Future<List<RecipientAttempt>> f : running) {
            try {
                results.addAll(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("domain delivery failed", e.getCause());
            }
        }
        return results;
    }

    private List<RecipientAttempt> timed(QueuedMessage message, String domain, List<RecipientStatus> recipients)
            throws InterruptedException {
        Instant start = clock.instant();
        try {
            return domains.deliver(message, domain, recipients);
        } finally {
            log.timed(Duration.between(start, clock.instant()));
        }
    }

    /** The next-hop domain of an address (MX-01), or the address literal as written (MX-02). */
    static Optional<String> nextHop(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0 || at == address.length() - 1) {
            return Optional.empty();
        }
        String domain = address.substring(at + 1);
        if (domain.startsWith("[")) {
            return domain.endsWith("]") ? Optional.of(domain) : Optional.empty();
        }
        return DomainNames.normalize(domain);
    }

    /** What the notices of one attempt did: who got a delay notice, and whether a failure notice is owed. */
    private record NoticeOutcome(Set<Integer> delayNotified, boolean failureNoticeLost) {}

    /**
     * Queues the failure, relayed and delay notices this attempt calls for. A failure notice that cannot
     * be queued must not be lost: the caller then keeps those recipients pending, so the next attempt
     * fails them again and retries the notice.
     */
    private NoticeOutcome sendNotices(QueuedMessage message, Envelope envelope, List<RecipientAttempt> attempts,
                                      Instant now, Instant expiresAt, boolean expired) {
        if (envelope.params().nullSender()) {
            return new NoticeOutcome(Set.of(), false); // QUE-10: never a notice about a notice
        }
        Map<Integer, RecipientStatus> projected = new LinkedHashMap<>();
        envelope.recipients().forEach(r -> projected.put(r.index(), r));
        for (RecipientAttempt a : attempts) {
            RecipientStatus r = a.recipient();
            projected.put(r.index(), new RecipientStatus(r.index(), r.spec(), state(a.verdict().disposition()),
                    r.attempts() + 1, now, a.verdict().diagnostic(), a.relay().remoteMta(), r.delayNotified()));
        }
        Envelope after = new Envelope(envelope.id(), envelope.arrival(), envelope.params(),
                List.copyOf(projected.values()));
        boolean failureLost = false;
        try {
            notice(message, after, attempts, DsnAction.FAILED, a -> a.verdict().disposition() == Disposition.BOUNCE,
                    projected, now, expiresAt);
        } catch (IOException | RuntimeException e) {
            LOG.error("queue_id={} failure notice could not be queued; the recipients stay pending: {}",
                    envelope.id(), SmtpConnection.describe(e), e);
            failureLost = true;
        }
        try {
            notice(message, after, attempts, DsnAction.RELAYED,
                    a -> a.verdict().disposition() == Disposition.DELIVERED && a.peerLacksDsn(), projected, now,
                    expiresAt);
        } catch (IOException | RuntimeException e) {
            LOG.error("queue_id={} relayed notice could not be queued: {}", envelope.id(), SmtpConnection.describe(e), e);
        }
        Set<Integer> delayed = new HashSet<>();
        boolean delayDue = !expired && !now.isBefore(envelope.arrival().plus(config.delayWarning()));
        if (delayDue) {
            try {
                notice(message, after, attempts, DsnAction.DELAYED, a -> a.verdict().disposition() == Disposition.DEFER
                        && !a.recipient().delayNotified(), projected, now, expiresAt)
                        .ifPresent(q -> q.recipients().forEach(r -> delayed.add(r.index())));
            } catch (IOException | RuntimeException e) {
                LOG.error("queue_id={} delay notice could not be queued; tried again next time: {}", envelope.id(),
                        SmtpConnection.describe(e), e);
            }
        }
        return new NoticeOutcome(delayed, failureLost);
    }

    private Optional<NoticeQueue.Queued> notice(QueuedMessage message, Envelope after, List<RecipientAttempt> attempts,
                                                DsnAction action, java.util.function.Predicate<RecipientAttempt> which,
                                                Map<Integer, RecipientStatus> projected, Instant now,
                                                Instant expiresAt) throws IOException {
        List<RecipientStatus> recipients = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        for (RecipientAttempt a : attempts) {
            if (which.test(a)) {
                recipients.add(projected.get(a.recipient().index()));
                statuses.add(a.verdict().status());
            }
        }
        if (recipients.isEmpty()) {
            return Optional.empty();
        }
        Optional<NoticeQueue.Queued> queued = notices.send(message, after, action, recipients, statuses, now, expiresAt);
        queued.ifPresent(q -> LOG.info("queue_id={} {} notice queued as {} for {} recipient(s)", after.id(),
                action.name().toLowerCase(java.util.Locale.ROOT), q.id(), q.recipients().size()));
        return queued;
    }

    private static RecipientState state(Disposition d) {
        return switch (d) {
            case DELIVERED -> RecipientState.DELIVERED;
            case BOUNCE -> RecipientState.BOUNCED;
            case DEFER, TRY_NEXT_HOST -> RecipientState.DEFERRED;
        };
    }
}
