package dev.rampart.server.delivery;

import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.TlsRequirement;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Idle SMTP sessions kept open for {@code idle} after a transaction, so that more messages to the
 * same host go over one connection (design.md step 5). A session taken from the pool is reset with
 * RSET before use; one that fails RSET is closed and the caller connects afresh. Thread-safe.
 */
final class SessionPool implements AutoCloseable {

    /**
     * Sessions are shared only for the same destination, host, address and TLS demands: a session opened
     * under one plan (say opportunistic, or DANE with other records) is never reused under another, so a
     * reused session always met the plan it is used for. The TLSA records and reference ids are part of
     * {@code authentication}, so new DNS data means a new connection.
     */
    record Key(String destination, String host, InetAddress address, TlsRequirement requirement,
               Authentication authentication, String serverName) {
        static Key of(String destination, HostPlan.Connect plan, InetAddress address) {
            return new Key(destination, plan.hostName(), address, plan.requirement(), plan.authentication(),
                    plan.serverName());
        }
    }

    private record Idle(DeliverySession session, Instant expires) {}

    private final Duration idle;
    private final InstantSource clock;
    private final Map<Key, Deque<Idle>> sessions = new HashMap<>();
    private boolean closed;

    SessionPool(Duration idle, InstantSource clock) {
        this.idle = idle;
        this.clock = clock;
    }

    /** A live, reset session for {@code key}, if one is idle. Blocks for the RSET round trip. */
    Optional<DeliverySession> take(Key key) {
        while (true) {
            Idle candidate;
            synchronized (this) {
                Deque<Idle> q = sessions.get(key);
                candidate = q == null ? null : q.pollFirst();
                if (q != null && q.isEmpty()) {
                    sessions.remove(key);
                }
            }
            if (candidate == null) {
                return Optional.empty();
            }
            if (clock.instant().isBefore(candidate.expires()) && candidate.session().reset()) {
                return Optional.of(candidate.session());
            }
            candidate.session().close();
        }
    }

    /** Keeps a session for reuse, or closes it when it cannot be reused. */
    void offer(Key key, DeliverySession session) {
        if (idle.isZero() || idle.isNegative() || !session.reusable()) {
            session.close();
            return;
        }
        synchronized (this) {
            if (!closed) {
                sessions.computeIfAbsent(key, k -> new ArrayDeque<>()).addFirst(new Idle(session, clock.instant().plus(idle)));
                return;
            }
        }
        session.close();
    }

    /** Closes sessions idle for longer than the reuse time; returns when the next one expires. */
    Optional<Instant> closeExpired() {
        List<DeliverySession> expired = new ArrayList<>();
        Instant next = null;
        synchronized (this) {
            Instant now = clock.instant();
            for (var it = sessions.values().iterator(); it.hasNext(); ) {
                Deque<Idle> q = it.next();
                for (var qi = q.iterator(); qi.hasNext(); ) {
                    Idle i = qi.next();
                    if (!now.isBefore(i.expires()) || !i.session().reusable()) {
                        expired.add(i.session());
                        qi.remove();
                    } else if (next == null || i.expires().isBefore(next)) {
                        next = i.expires();
                    }
                }
                if (q.isEmpty()) {
                    it.remove();
                }
            }
        }
        expired.forEach(DeliverySession::close);
        return Optional.ofNullable(next);
    }

    synchronized int size() {
        return sessions.values().stream().mapToInt(Deque::size).sum();
    }

    @Override
    public void close() {
        List<DeliverySession> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            sessions.values().forEach(q -> q.forEach(i -> all.add(i.session())));
            sessions.clear();
        }
        all.forEach(DeliverySession::close);
    }
}
