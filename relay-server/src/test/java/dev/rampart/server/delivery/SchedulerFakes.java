package dev.rampart.server.delivery;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxLookup;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.Envelope;
import dev.rampart.queue.Notify;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.server.delivery.dsn.DsnAction;
import dev.rampart.server.delivery.dsn.DsnRequest;
import dev.rampart.server.delivery.dsn.DsnWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Fakes for scheduler tests: clock, MX lookup, DSN writer and a session connector without sockets. */
final class SchedulerFakes {
    private SchedulerFakes() {}

    static final class MutableClock implements InstantSource {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    static InetAddress address(String host, int last) {
        try {
            return InetAddress.getByAddress(host, new byte[] {127, 0, 1, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class FakeMx implements MxLookup {
        final Map<String, MxResolution> answers = new ConcurrentHashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        /** domain -> hosts "name" each with one address 127.0.1.n */
        void hosts(String domain, String... hostNames) {
            List<MxHost> hosts = new ArrayList<>();
            for (int i = 0; i < hostNames.length; i++) {
                hosts.add(new MxHost(hostNames[i], 10 * (i + 1), List.of(address(hostNames[i], hostNames[i].hashCode() & 0x7f)),
                        DnssecStatus.INSECURE));
            }
            answers.put(domain, new MxResolution.Hosts(domain, hosts, DnssecStatus.INSECURE, false, List.of()));
        }

        @Override
        public CompletableFuture<MxResolution> resolve(String nextHop) {
            lookups.incrementAndGet();
            return CompletableFuture.completedFuture(answers.getOrDefault(nextHop,
                    new MxResolution.Permanent(nextHop, "5.1.2", "NXDOMAIN")));
        }
    }

    /** TLSA answers by owner name; a name without an answer fails like a SERVFAIL, never "no TLSA". */
    static final class FakeTlsa implements TlsaLookup {
        final Map<String, DnsResult<TlsaRecord>> answers = new ConcurrentHashMap<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
            asked.add(name);
            return CompletableFuture.completedFuture(answers.getOrDefault(name,
                    new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL, "no answer for " + name)));
        }
    }

    /** Implements the DsnWriter.wanted rules from its contract and records what was written. */
    static final class FakeDsn implements DsnWriter {
        final List<DsnRequest> written = new CopyOnWriteArrayList<>();
        volatile boolean failWrites;

        @Override
        public boolean wanted(Envelope original, RecipientStatus recipient, DsnAction action) {
            if (original.params().nullSender()) {
                return false;
            }
            Set<Notify> notify = recipient.spec().notifyOn();
            if (notify.contains(Notify.NEVER)) {
                return false;
            }
            return switch (action) {
                case FAILED -> notify.isEmpty() || notify.contains(Notify.FAILURE);
                case DELAYED -> notify.isEmpty() || notify.contains(Notify.DELAY);
                case DELIVERED, RELAYED -> notify.contains(Notify.SUCCESS);
            };
        }

        @Override
        public void write(DsnRequest request, InputStream originalContent, OutputStream out) throws IOException {
            written.add(request);
            if (failWrites) {
                throw new IOException("disk full");
            }
            originalContent.readAllBytes();
            out.write(("Subject: " + request.action() + "\r\n\r\n" + request.statuses() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    record Transaction(String host, List<String> recipients) {}

    /**
     * A connector whose hosts are scripted by name: refused hosts fail to connect; other hosts accept
     * and answer each recipient with {@link #verdicts} (default: delivered).
     */
    static final class FakeConnector implements SessionConnector {
        final Set<String> refusing = ConcurrentHashMap.newKeySet();
        /** host -> how opening a session to it fails (other than a refused connection). */
        final Map<String, SessionFailure> failing = new ConcurrentHashMap<>();
        /** host -> per-recipient verdicts for that host only; falls back to {@link #verdicts}. */
        final Map<String, Function<String, Verdict>> hostVerdicts = new ConcurrentHashMap<>();
        final List<String> opens = new CopyOnWriteArrayList<>();
        /** The TLS plan of every open, in order. */
        final List<TlsPlan> plans = new CopyOnWriteArrayList<>();
        /** What an opened session reports as its TLS, given the plan it was opened under. */
        volatile Function<TlsPlan, ObservedTls> sessionTls = plan -> new ObservedTls.Negotiated("TLSv1.3",
                "TLS_AES_128_GCM_SHA256", "CN=peer", "unauthenticated");
        final List<Transaction> transactions = new CopyOnWriteArrayList<>();
        final AtomicInteger resets = new AtomicInteger();
        volatile Function<String, Verdict> verdicts = rcpt -> new Verdict(Disposition.DELIVERED, "2.0.0", "250 2.0.0 ok");
        volatile boolean peerDsn = true;

        @Override
        public OpenResult open(String hostName, InetAddress address, TlsPlan plan) {
            opens.add(hostName);
            plans.add(plan);
            if (refusing.contains(hostName)) {
                return new OpenResult.Failed(new SessionFailure.ConnectFailed("Connection refused"), ObservedTls.none());
            }
            if (failing.containsKey(hostName)) {
                return new OpenResult.Failed(failing.get(hostName), ObservedTls.none());
            }
            return new OpenResult.Opened(new FakeSession(hostName, address, sessionTls.apply(plan)));
        }

        @Override
        public void close() {
        }

        final class FakeSession implements DeliverySession {
            private final String host;
            private final InetAddress address;
            private final ObservedTls tls;
            private boolean open = true;

            FakeSession(String host, InetAddress address, ObservedTls tls) {
                this.host = host;
                this.address = address;
                this.tls = tls;
            }

            @Override
            public String hostName() {
                return host;
            }

            @Override
            public InetSocketAddress remote() {
                return new InetSocketAddress(address, 25);
            }

            @Override
            public ObservedTls tls() {
                return tls;
            }

            @Override
            public TransactionResult deliver(QueuedMessage message, List<RecipientStatus> recipients) {
                transactions.add(new Transaction(host, recipients.stream().map(RecipientStatus::address).toList()));
                return new TransactionResult(recipients.stream()
                        .map(r -> new TransactionResult.RecipientOutcome(r,
                                hostVerdicts.getOrDefault(host, verdicts).apply(r.address()))).toList(), peerDsn);
            }

            @Override
            public boolean reset() {
                resets.incrementAndGet();
                return open;
            }

            @Override
            public boolean reusable() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        }
    }
}
