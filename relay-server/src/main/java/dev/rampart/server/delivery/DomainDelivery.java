package dev.rampart.server.delivery;

import dev.rampart.policy.decide.TlsRptRecording;
import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.tlsrpt.IpText;
import dev.rampart.policy.tlsrpt.SessionRecords;
import dev.rampart.policy.tlsrpt.TlsAlerts;
import dev.rampart.policy.tlsrpt.TlsOutcome;

import dev.rampart.policy.decide.AuditResult;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.HostResult;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.RequireTlsRule;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.config.RampartConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.X509TrustManager;

/**
 * One delivery attempt of some recipients of one message to one next-hop domain (design.md steps
 * 4-5): admission by the {@link DestinationTracker}, the {@link DestinationPlan} (MX resolution, TLSA,
 * decisions), then MX hosts in order: a host the plan skips gets no connection (DANE-05, DANE-16), a host
 * to connect to gets a {@link TlsPlan} built from its plan, its addresses tried in order, until every
 * recipient has a final verdict for this attempt (QUE-09). Recipients share one transaction per session
 * (QUE-05); sessions are reused through the {@link SessionPool} only under the same TLS plan.
 *
 * <p>When a TLS policy stopped any host (a skip, or a required-TLS session that failed), recipients left
 * over are deferred with the status {@link dev.rampart.policy.decide.Verdict#of} gives (4.7.5 when policy
 * alone stood in the way, DANE-07), never bounced. Such a failure is not a network failure: the
 * destination is not marked dead for it (QUE-04).
 *
 * <p>Under shadow mode ({@code tls.enforcement: shadow}) and for {@code TLS-Required: No} messages the
 * plans are relaxed per {@link Relaxation} before any host is tried; every opened session then gets its
 * report-only audit (STS-20) and, under shadow mode, the evaluation of what enforcement demanded
 * ({@link TlsChecks}); both travel with the session's {@link ObservedTls} to the log and TLS-RPT.
 *
 * <p>A message tagged REQUIRETLS (row 21, RFC 8689; never relaxed) goes only to hosts
 * {@link RequireTlsRule#forHost} admits; others are passed over without a connection, and a session whose
 * post-TLS EHLO lacks the extension refuses the message (5.7.30). When every host refused it that way the
 * recipients bounce ({@link RequireTlsRule#bounce}); any other failure defers as usual.
 *
 * <p>Blocking; runs on a virtual thread. Thread-safe (no per-attempt state in fields).
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
    private final Plans planner;
    private final RampartConfig.Enforcement enforcement;
    private final TlsChecks checks;
    private final SessionConnector connector;
    private final SessionPool pool;
    private final DestinationTracker tracker;
    private final Semaphore connections;
    private final DeliveryClassifier classifier;
    private final DeliveryLog log;
    private final InstantSource clock;
    private final X509TrustManager webPkiTrust;
    private final SessionRecorder recorder;

    /** Where the plans come from: {@link DestinationPlanner#plan} in the relay. */
    @FunctionalInterface
    interface Plans {
        CompletableFuture<DestinationPlan> plan(String nextHop);
    }

    /**
     * @param webPkiTrust chain validation for PKIX plans (MTA-STS {@code enforce}, manual {@code secure}):
     *                    the JDK roots plus {@code tls.trust-store}, the same anchors {@code checks} audits with
     */
    DomainDelivery(RampartConfig.Delivery config, Plans planner, RampartConfig.Enforcement enforcement,
                   TlsChecks checks, SessionConnector connector, SessionPool pool, DestinationTracker tracker,
                   Semaphore connections, DeliveryClassifier classifier, DeliveryLog log, InstantSource clock,
                   X509TrustManager webPkiTrust, SessionRecorder recorder) {
        this.config = config;
        this.planner = planner;
        this.enforcement = enforcement;
        this.checks = checks;
        this.connector = connector;
        this.pool = pool;
        this.tracker = tracker;
        this.connections = connections;
        this.classifier = classifier;
        this.log = log;
        this.clock = clock;
        this.webPkiTrust = webPkiTrust;
        this.recorder = recorder;
    }

    /** Returns one attempt per recipient, in the given order. */
    List<RecipientAttempt> deliver(QueuedMessage message, String domain, List<RecipientStatus> recipients)
            throws InterruptedException {
        DestinationTracker.Admission admission = tracker.admit(domain);
        return switch (admission) {
            case DestinationTracker.Admission.Refused refused -> all(recipients, refused.verdict(), "none");
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

    private static List<RecipientAttempt> all(List<RecipientStatus> recipients, Verdict verdict, String policy) {
        return recipients.stream()
                .map(r -> new RecipientAttempt(r, verdict, RelayInfo.none(), ObservedTls.none(), false, policy)).toList();
    }

    private DestinationPlan plan(String domain) throws InterruptedException {
        try {
            return planner.plan(domain).get(MX_LOOKUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            String reason = "DNS lookups failed: " + SmtpConnection.describe(e);
            return new DestinationPlan(domain, ManualPolicy.DANE,
                    new MxResolution.Temporary(domain, "4.4.3", reason),
                    new DomainPlan.Defer("4.4.3", reason, List.of()), List.of());
        }
    }

    private static boolean mxSecure(DestinationPlan plan) {
        return plan.domainPlan() instanceof DomainPlan.TryHosts t && t.facts().mxSecure();
    }

    private static boolean isRequireTlsStatus(String status) {
        return status.equals(RequireTlsRule.NO_TLS) || status.equals(RequireTlsRule.NO_REQUIRETLS);
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

    /** One MX host to try, with its plan as decided under enforcement. */
    private record Target(MxHost host, HostPlan plan) {}

    /** The state of one attempt: recipients still pending and the last verdict seen for them. */
    private final class Attempt {
        private final QueuedMessage message;
        private final String domain;
        private final Map<RecipientStatus, RecipientAttempt> done = new LinkedHashMap<>();
        private final List<RecipientStatus> recipients;
        private List<RecipientStatus> pending;
        private final Map<RecipientStatus, Verdict> last = new LinkedHashMap<>();
        private final List<HostResult> hostResults = new ArrayList<>();
        private RelayInfo lastRelay = RelayInfo.none();
        private ObservedTls lastTls = ObservedTls.none();
        private String lastPolicy = "none";
        private boolean reached;
        private boolean tried;
        private Verdict lastFailure;
        private final Relaxation relaxation;
        /**
         * Row 21 (RFC 8689): the message demands REQUIRETLS. Its own notices (from {@code <>}) do not: they
         * cannot bounce, so they ask for REQUIRETLS where offered instead of being dropped (QUE-18).
         */
        private final boolean requireTls;

        Attempt(QueuedMessage message, String domain, List<RecipientStatus> recipients) {
            this.message = message;
            this.domain = domain;
            this.recipients = recipients;
            this.pending = new ArrayList<>(recipients);
            this.relaxation = Relaxation.of(enforcement, message.envelope().params().tls());
            this.requireTls = message.envelope().params().tls() == TlsTag.REQUIRE_TLS
                    && !message.envelope().params().nullSender();
        }

        List<RecipientAttempt> run() throws InterruptedException {
            DestinationPlan plan = plan(domain);
            switch (plan.domainPlan()) {
                case DomainPlan.Fail f -> {
                    return all(recipients, classifier.domainFailed(f), "none");
                }
                case DomainPlan.Defer d -> {
                    List<Target> relaxed = relaxedHosts(plan, d);
                    if (!relaxed.isEmpty()) {
                        tryHosts(plan, relaxed);
                        break;
                    }
                    String policy = d.skippedHosts().isEmpty() ? "none" : plan.policyLabel(d.skippedHosts().getFirst());
                    d.skippedHosts().forEach(skip -> logHost(new RelayInfo.Host(skip.hostName()), ObservedTls.none(),
                            plan.policyLabel(skip), skip.status(), skip.reason()));
                    return all(recipients, classifier.domainDeferred(d), policy);
                }
                case DomainPlan.TryHosts t -> tryHosts(plan, plan.hosts().stream()
                        .map(h -> new Target(h.host(), h.plan())).toList());
            }
            for (RecipientStatus r : pending) {
                done.put(r, new RecipientAttempt(r, leftOver(last.get(r)), lastRelay, lastTls, false, lastPolicy));
            }
            return recipients.stream().map(done::get).toList();
        }

        /**
         * Row 5 relaxed (shadow mode, {@code TLS-Required: No}): the hosts a {@code dane-only} deferral
         * skipped, with their addresses from the MX resolution. Empty when the deferral stands.
         */
        private List<Target> relaxedHosts(DestinationPlan plan, DomainPlan.Defer defer) {
            if (!(plan.resolution() instanceof MxResolution.Hosts resolved)) {
                return List.of();
            }
            List<Target> targets = new ArrayList<>();
            for (HostPlan.Skip skip : relaxation.hostsToTry(defer)) {
                resolved.hosts().stream().filter(h -> h.name().equals(skip.hostName())).findFirst()
                        .ifPresent(h -> targets.add(new Target(h, skip)));
            }
            return targets;
        }

        private void tryHosts(DestinationPlan plan, List<Target> targets) throws InterruptedException {
            int sessions = 0;
            hosts:
            for (Target target : targets) {
                if (pending.isEmpty()) {
                    break;
                }
                if (requireTls && target.plan() instanceof HostPlan.Connect c
                        && RequireTlsRule.forHost(c, mxSecure(plan)) instanceof RequireTlsRule.HostDemand.Refuse r) {
                    refused(plan, c, r);
                    continue;
                }
                Relaxation.HostStep.Connecting step;
                switch (relaxation.step(target.plan())) {
                    case Relaxation.HostStep.Skip skip -> {
                        skipped(plan, skip.plan());
                        continue;
                    }
                    case Relaxation.HostStep.Connecting connecting -> step = connecting;
                }
                HostResult result = null;
                for (InetAddress address : ordered(target.host().addresses(), config.addressPreference())) {
                    if (pending.isEmpty() || sessions >= MAX_SESSIONS_PER_ATTEMPT) {
                        if (result != null) {
                            hostResults.add(result);
                        }
                        break hosts;
                    }
                    sessions++;
                    result = tryAddress(plan, step, address);
                }
                if (result != null) {
                    hostResults.add(result);
                }
            }
            if (!tried && hostResults.isEmpty()) {
                Verdict none = new Verdict(Disposition.TRY_NEXT_HOST, "4.4.4", "no usable MX host for " + domain);
                pending.forEach(r -> last.put(r, none));
            }
        }

        /**
         * The verdict for a recipient no host took. If a TLS policy stopped any host, defer with the
         * status and the per-host reasons of {@link dev.rampart.policy.decide.Verdict#of} (DANE-07: 4.7.5
         * when only policy stood in the way); a later retry may well succeed, and expiry is the queue's
         * business. Otherwise the last host's verdict decides as before (QUE-09).
         */
        private Verdict leftOver(Verdict lastVerdict) {
            if (requireTls) {
                // QUE-18: bounce only when every host refused the message for REQUIRETLS reasons.
                var bounce = RequireTlsRule.bounce(hostResults);
                if (bounce.isPresent()) {
                    return new Verdict(Disposition.BOUNCE, bounce.get().status(), bounce.get().reason());
                }
                if (lastVerdict != null && lastVerdict.permanentStatus() && isRequireTlsStatus(lastVerdict.status())) {
                    // Another host failed transiently and may do better later: never bounce for this alone.
                    lastVerdict = new Verdict(Disposition.TRY_NEXT_HOST,
                            DeliveryClassifier.asTransient(lastVerdict.status()), lastVerdict.diagnostic());
                }
            }
            boolean policyStopped = hostResults.stream()
                    .anyMatch(r -> r instanceof HostResult.Skipped || r instanceof HostResult.PolicyFailed);
            if (!policyStopped) {
                return classifier.exhausted(lastVerdict);
            }
            // Qualified: this package has a Verdict of its own (the per-recipient one).
            return switch (dev.rampart.policy.decide.Verdict.of(hostResults)) {
                case dev.rampart.policy.decide.Verdict.Defer d -> classifier.policyDeferred(d.status(), d.reason());
                // Not reachable with a recipient still pending; defer rather than guess.
                case dev.rampart.policy.decide.Verdict.DeliveredVia v -> classifier.exhausted(lastVerdict);
            };
        }

        DestinationTracker.Finding finding() {
            if (reached) {
                return new DestinationTracker.Finding.Reached();
            }
            return tried && lastFailure != null ? new DestinationTracker.Finding.Unreachable(lastFailure)
                    : new DestinationTracker.Finding.Nothing();
        }

        /** Row 21: no authenticated TLS path to this host for a REQUIRETLS message; no connection. */
        private void refused(DestinationPlan plan, HostPlan.Connect connect, RequireTlsRule.HostDemand.Refuse refuse) {
            String policy = plan.policyLabel(connect);
            RelayInfo relay = new RelayInfo.Host(connect.hostName());
            Verdict v = new Verdict(Disposition.TRY_NEXT_HOST, refuse.status(), refuse.reason());
            pending.forEach(r -> last.put(r, v));
            lastRelay = relay;
            lastTls = ObservedTls.none();
            lastPolicy = policy;
            hostResults.add(new HostResult.RequireTlsRefused(refuse.hostName(), refuse.status(), refuse.reason()));
            logHost(relay, ObservedTls.none(), policy, refuse.status(), refuse.reason());
        }

        /** DANE-05, DANE-16: no connection; the recipients wait for the next host with this host's reason. */
        private void skipped(DestinationPlan plan, HostPlan.Skip skip) {
            String policy = plan.policyLabel(skip);
            RelayInfo relay = new RelayInfo.Host(skip.hostName());
            Verdict v = new Verdict(Disposition.TRY_NEXT_HOST, skip.status(), skip.reason());
            pending.forEach(r -> last.put(r, v));
            lastRelay = relay;
            lastTls = ObservedTls.none();
            lastPolicy = policy;
            hostResults.add(new HostResult.Skipped(skip));
            logHost(relay, ObservedTls.none(), policy, skip.status(), skip.reason());
            record(skip.tlsRpt(), new TlsOutcome.NotConnected(skip.hostName()));
        }

        /** RPT-01: one record per session (or skipped host), built in one place from plan and outcome. */
        private void record(TlsRptRecording recording, TlsOutcome outcome) {
            SessionRecords.of(clock.instant(), domain, recording, outcome).ifPresent(recorder::record);
        }

        /** What TLS-RPT makes of a session that ran (RPT-06): the TLS it got, and the audit on it. */
        private TlsOutcome outcome(DeliverySession session, InetAddress address, ObservedTls tls) {
            TlsOutcome.Peer peer = new TlsOutcome.Peer(session.localIp(), session.hostName(), "", IpText.of(address));
            return switch (tls) {
                case ObservedTls.Negotiated n -> new TlsOutcome.Established(peer, n.findings().audit().rptFailure()
                        .map(f -> new TlsOutcome.Failure(f.resultType(), f.reasonCode())));
                case ObservedTls.None none -> switch (none.why()) {
                    case NOT_ATTEMPTED -> new TlsOutcome.Established(peer, Optional.empty());
                    case NOT_OFFERED, REFUSED -> new TlsOutcome.Failed(peer,
                            new TlsOutcome.Failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED, ""));
                    case HANDSHAKE_FAILED -> new TlsOutcome.Failed(peer, new TlsOutcome.Failure(
                            TlsRptResultType.VALIDATION_FAILURE,
                            TlsAlerts.reasonCode(none.detail()).orElse("tls-handshake-failed")));
                };
            };
        }

        private HostResult tryAddress(DestinationPlan plan, Relaxation.HostStep.Connecting step, InetAddress address)
                throws InterruptedException {
            HostPlan.Connect connect = step.plan();
            tried = true;
            String host = connect.hostName();
            String policy = plan.policyLabel(connect);
            RelayInfo relay = new RelayInfo.Server(host, address, config.port());
            SessionPool.Key key = SessionPool.Key.of(domain, connect, address);
            connections.acquire();
            try {
                DeliverySession session = pool.take(key).orElse(null);
                if (session == null) {
                    switch (connector.open(host, address, TlsPlan.forHost(connect, clock, webPkiTrust))) {
                        case SessionConnector.OpenResult.Opened opened -> session = opened.session();
                        case SessionConnector.OpenResult.Failed failed -> {
                            Verdict v = classifier.failure(failed.failure());
                            lastRelay = relay;
                            lastTls = failed.tls();
                            lastPolicy = policy;
                            pending.forEach(r -> last.put(r, v));
                            if (failed.failure() instanceof SessionFailure.TlsRequired required) {
                                // The server answered; only the policy failed. Not a dead destination (QUE-04).
                                reached = true;
                                record(connect.tlsRpt(), new TlsOutcome.Failed(new TlsOutcome.Peer(failed.localIp(),
                                        host, "", IpText.of(address)), required.rpt()));
                                logHost(relay, failed.tls(), policy, v.status(), v.diagnostic());
                                return new HostResult.PolicyFailed(host, v.diagnostic());
                            }
                            lastFailure = v;
                            record(connect.tlsRpt(), new TlsOutcome.Transient(v.diagnostic()));
                            return new HostResult.Unreachable(host, DeliveryClassifier.asTransient(v.status()),
                                    v.diagnostic());
                        }
                    }
                }
                reached = true;
                try {
                    ObservedTls tls = checked(plan, step, session);
                    record(connect.tlsRpt(), outcome(session, address, tls));
                    transactions(session, relay, policy, tls);
                } catch (RuntimeException e) {
                    session.close();
                    throw e;
                }
                pool.offer(key, session);
                if (pending.isEmpty()) {
                    return new HostResult.Transacted(host);
                }
                Verdict v = last.get(pending.getFirst());
                if (requireTls && isRequireTlsStatus(v.status())) {
                    // Row 21: the server did not announce REQUIRETLS after STARTTLS (5.7.30).
                    return new HostResult.RequireTlsRefused(host, v.status(), v.diagnostic());
                }
                return new HostResult.Unreachable(host, DeliveryClassifier.asTransient(v.status()), v.diagnostic());
            } finally {
                connections.release();
            }
        }

        private void logHost(RelayInfo relay, ObservedTls tls, String policy, String status, String reason) {
            log.hostFailed(message.envelope().id(), domain, relay, tls, policy, status, reason);
        }

        /**
         * The session's TLS with what the checks found on it, for this message: the report-only audit
         * (STS-20) and, under shadow mode, whether enforcement would have blocked it (logged at WARN and
         * counted once per session use). A pooled session is checked again for each message, since its
         * pool key does not carry what the checks demanded.
         */
        private ObservedTls checked(DestinationPlan plan, Relaxation.HostStep.Connecting step,
                                    DeliverySession session) {
            HostPlan.Connect connect = step.plan();
            ObservedTls tls = session.tls();
            AuditResult audit = checks.audit(connect, tls);
            log.audited(audit);
            boolean wouldBlock = false;
            if (step instanceof Relaxation.HostStep.Shadowed shadowed) {
                String policy = plan.policyLabel(connect);
                switch (checks.shadow(shadowed.shadow(), tls)) {
                    case ShadowFinding.Met met -> { }
                    case ShadowFinding.WouldBlock block -> {
                        wouldBlock = true;
                        log.shadowWouldBlock(message.envelope().id(), domain, connect.hostName(), policy,
                                block.reason());
                    }
                    case ShadowFinding.Ignored ignored ->
                            log.shadowIgnored(message.envelope().id(), domain, connect.hostName(), policy,
                                    ignored.reason());
                }
            }
            return tls.withFindings(new ObservedTls.TlsFindings(audit, wouldBlock));
        }

        /** Offers the pending recipients to one session, at most RECIPIENTS_PER_TRANSACTION per transaction. */
        private void transactions(DeliverySession session, RelayInfo relay, String policy, ObservedTls tls) {
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
                        done.put(o.recipient(), new RecipientAttempt(o.recipient(), v, relay, tls, relayed, policy));
                    }
                }
            }
            pending = still;
            lastRelay = relay;
            lastTls = tls;
            lastPolicy = policy;
        }
    }
}
