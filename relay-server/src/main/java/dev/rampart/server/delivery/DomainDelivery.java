package dev.rampart.server.delivery;

import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxLookup;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.server.config.RampartConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One delivery attempt of some recipients of one message to one next-hop domain (design.md steps
 * 4-5): admission by the {@link DestinationTracker}, MX resolution, then MX hosts and their addresses in
 * order until every recipient has a final verdict for this attempt (QUE-09). Recipients share one
 * transaction per session (QUE-05); sessions are reused through the {@link SessionPool}. Blocking;
 * runs on a virtual thread. Thread-safe (no per-attempt state in fields).
 */
final class DomainDelivery {
    /** At most this many sessions per attempt, across all MX hosts and addresses (Postfix: smtp_mx_address_limit). */
    private static final int MAX_SESSIONS_PER_ATTEMPT = 10;
    private static final Duration MX_LOOKUP_LIMIT = Duration.ofMinutes(2);
    /**
     * Recipients per transaction (Postfix: smtp_destination_recipient_limit). RFC 5321 §4.5.3.1.8 only
     * promises 100; more go in further transactions over the same session.
     */
    static final int RECIPIENTS_PER_TRANSACTION = 50;

    private final RampartConfig.Delivery config;
    private final MxLookup mx;
    private final SessionConnector connector;
    private final SessionPool pool;
    private final DestinationTracker tracker;
    private final Semaphore connections;
    private final DeliveryClassifier classifier;

    DomainDelivery(RampartConfig.Delivery config, MxLookup mx, SessionConnector connector, SessionPool pool,
                   DestinationTracker tracker, Semaphore connections, DeliveryClassifier classifier) {
        this.config = config;
        this.mx = mx;
        this.connector = connector;
        this.pool = pool;
        this.tracker = tracker;
        this.connections = connections;
        this.classifier = classifier;
    }

    /** Returns one attempt per recipient, in the given order. */
    List<RecipientAttempt> deliver(QueuedMessage message, String domain, List<RecipientStatus> recipients)
            throws InterruptedException {
        DestinationTracker.Admission admission = tracker.admit(domain);
        return switch (admission) {
            case DestinationTracker.Admission.Refused refused -> all(recipients, refused.verdict());
            case DestinationTracker.Admission.Granted granted -> {
                DestinationTracker.Finding finding = new DestinationTracker.Finding.Nothing();
                try {
                    Attempt attempt = new Attempt(message, domain, recipients);
                    List<RecipientAttempt> result = attempt.run();
                    finding = attempt.finding();
                    yield result;
                } finally {
                    granted.lease().finish(finding);
                }
            }
        };
    }

    private static List<RecipientAttempt> all(List<RecipientStatus> recipients, Verdict verdict) {
        return recipients.stream()
                .map(r -> new RecipientAttempt(r, verdict, RelayInfo.none(), ObservedTls.none(), false)).toList();
    }

    private MxResolution resolve(String domain) throws InterruptedException {
        try {
            return mx.resolve(domain).get(MX_LOOKUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return new MxResolution.Temporary(domain, "4.4.3", "MX lookup failed: " + SmtpConnection.describe(e));
        }
    }

    /** Orders a host's addresses by the configured preference, keeping resolver order within a family (MX-09). */
    static List<InetAddress> ordered(List<InetAddress> addresses, RampartConfig.AddressPreference preference) {
        Comparator<InetAddress> byFamily = switch (preference) {
            case IPV4 -> Comparator.comparingInt(a -> a instanceof Inet4Address ? 0 : 1);
            case IPV6 -> Comparator.comparingInt(a -> a instanceof Inet6Address ? 0 : 1);
            case ANY -> (a, b) -> 0;
        };
        return addresses.stream().sorted(byFamily).toList();
    }

    /** The state of one attempt: recipients still pending and the last verdict seen for them. */
    private final class Attempt {
        private final QueuedMessage message;
        private final String domain;
        private final Map<RecipientStatus, RecipientAttempt> done = new LinkedHashMap<>();
        private final List<RecipientStatus> recipients;
        private List<RecipientStatus> pending;
        private final Map<RecipientStatus, Verdict> last = new LinkedHashMap<>();
        private RelayInfo lastRelay = RelayInfo.none();
        private ObservedTls lastTls = ObservedTls.none();
        private boolean reached;
        private boolean tried;
        private Verdict lastFailure;

        Attempt(QueuedMessage message, String domain, List<RecipientStatus> recipients) {
            this.message = message;
            this.domain = domain;
            this.recipients = recipients;
            this.pending = new ArrayList<>(recipients);
        }

        List<RecipientAttempt> run() throws InterruptedException {
            MxResolution resolution = resolve(domain);
            Optional<Verdict> unresolvable = classifier.resolution(resolution);
            if (unresolvable.isPresent()) {
                return all(recipients, unresolvable.get());
            }
            List<MxHost> hosts = ((MxResolution.Hosts) resolution).hosts();
            int sessions = 0;
            hosts:
            for (MxHost host : hosts) {
                for (InetAddress address : ordered(host.addresses(), config.addressPreference())) {
                    if (pending.isEmpty() || sessions >= MAX_SESSIONS_PER_ATTEMPT) {
                        break hosts;
                    }
                    sessions++;
                    tryHost(host.name(), address);
                }
            }
            if (!tried) {
                Verdict none = new Verdict(Disposition.TRY_NEXT_HOST, "4.4.4", "no usable MX host for " + domain);
                pending.forEach(r -> last.put(r, none));
            }
            for (RecipientStatus r : pending) {
                done.put(r, new RecipientAttempt(r, classifier.exhausted(last.get(r)), lastRelay, lastTls, false));
            }
            return recipients.stream().map(done::get).toList();
        }

        DestinationTracker.Finding finding() {
            if (reached) {
                return new DestinationTracker.Finding.Reached();
            }
            return tried && lastFailure != null ? new DestinationTracker.Finding.Unreachable(lastFailure)
                    : new DestinationTracker.Finding.Nothing();
        }

        private void tryHost(String host, InetAddress address) throws InterruptedException {
            tried = true;
            RelayInfo relay = new RelayInfo.Server(host, address, config.port());
            SessionPool.Key key = new SessionPool.Key(domain, host, address);
            connections.acquire();
            try {
                DeliverySession session = pool.take(key).orElse(null);
                if (session == null) {
                    switch (connector.open(host, address, TlsPlan.opportunistic())) {
                        case SessionConnector.OpenResult.Opened opened -> session = opened.session();
                        case SessionConnector.OpenResult.Failed failed -> {
                            Verdict v = classifier.failure(failed.failure());
                            lastFailure = v;
                            lastRelay = relay;
                            lastTls = failed.tls();
                            pending.forEach(r -> last.put(r, v));
                            return;
                        }
                    }
                }
                reached = true;
                try {
                    transactions(session, relay);
                } catch (RuntimeException e) {
                    session.close();
                    throw e;
                }
                pool.offer(key, session);
            } finally {
                connections.release();
            }
        }

        /** Offers the pending recipients to one session, at most RECIPIENTS_PER_TRANSACTION per transaction. */
        private void transactions(DeliverySession session, RelayInfo relay) {
            List<RecipientStatus> still = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += RECIPIENTS_PER_TRANSACTION) {
                List<RecipientStatus> chunk = List.copyOf(
                        pending.subList(from, Math.min(pending.size(), from + RECIPIENTS_PER_TRANSACTION)));
                if (!session.reusable()) {
                    // The connection broke in an earlier transaction: these were never offered here.
                    Verdict v = new Verdict(Disposition.TRY_NEXT_HOST, "4.4.2",
                            "connection lost before these recipients were sent");
                    chunk.forEach(r -> last.put(r, v));
                    still.addAll(chunk);
                    continue;
                }
                TransactionResult result = session.deliver(message, chunk);
                for (TransactionResult.RecipientOutcome o : result.outcomes()) {
                    Verdict v = o.verdict();
                    if (v.disposition() == Disposition.TRY_NEXT_HOST) {
                        still.add(o.recipient());
                        last.put(o.recipient(), v);
                    } else {
                        boolean relayed = v.disposition() == Disposition.DELIVERED && !result.peerDsn();
                        done.put(o.recipient(), new RecipientAttempt(o.recipient(), v, relay, session.tls(), relayed));
                    }
                }
            }
            pending = still;
            lastRelay = relay;
            lastTls = session.tls();
        }
    }
}
