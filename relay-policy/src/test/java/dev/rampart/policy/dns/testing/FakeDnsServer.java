package dev.rampart.policy.dns.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.CNAMERecord;

/**
 * An in-process authoritative DNS server for tests: UDP and TCP on 127.0.0.1, one random port, answers
 * from a record map. It follows CNAME chains inside its data (like a recursive resolver would) unless
 * told not to, sets AD when every name on the answer's chain is marked secure, answers NXDOMAIN and
 * NODATA with an SOA carrying a configurable negative TTL, and can misbehave per question name
 * ({@link Fault}). It can also serve whole zones, DNSSEC-signed or not ({@link #serve}). It counts the questions it receives, so tests can prove what a cache did.
 *
 * <p>Loopback only; never forwards anything. Thread-safe: configuration may change while it runs.
 */
public final class FakeDnsServer implements AutoCloseable {

    /** Ways to misbehave for one question name. */
    public enum Fault {
        /** rcode SERVFAIL, empty sections. */
        SERVFAIL,
        /** rcode REFUSED. */
        REFUSED,
        /** Never answer, so the client times out. */
        DROP,
        /** Answer with a reply cut off in the middle of the question section. */
        MALFORMED,
        /** Over UDP, answer with TC set and no records; over TCP, answer normally. */
        TRUNCATE_UDP,
        /** Answer a different question than the one asked. */
        WRONG_QUESTION
    }

    private static final Name SOA_OWNER = Name.root;
    private static final int ANY_TYPE = -1;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Thread udpThread;
    private final Thread tcpThread;
    private final Map<Name, Map<Integer, List<Record>>> zone = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Set<Name> secure = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<SignedZone> zones = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean followCnames = true;
    private volatile long negativeTtl = 300;

    private FakeDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        this.udpThread = new Thread(this::serveUdp, "fake-dns-udp");
        this.tcpThread = new Thread(this::serveTcp, "fake-dns-tcp");
        udpThread.setDaemon(true);
        tcpThread.setDaemon(true);
        udpThread.start();
        tcpThread.start();
    }

    /** Starts a server on 127.0.0.1 with UDP and TCP on the same random port. */
    public static FakeDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            ServerSocket tcp = new ServerSocket();
            try {
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new FakeDnsServer(udp, tcp);
            } catch (IOException e) {
                last = e;
                udp.close();
                tcp.close();
            }
        }
        throw last;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** Adds records in zone-file syntax, one per line, names absolute, e.g. {@code "a.test. 300 IN A 192.0.2.1"}. */
    public FakeDnsServer add(String... lines) {
        String text = String.join("\n", lines) + "\n";
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, 300)) {
            Record r;
            while ((r = master.nextRecord()) != null) {
                zone.computeIfAbsent(r.getName(), n -> new ConcurrentHashMap<>())
                        .computeIfAbsent(r.getType(), t -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Removes every record at a name. */
    public FakeDnsServer remove(String name) {
        zone.remove(name(name));
        return this;
    }

    /** Misbehave for every question about {@code name}. */
    public FakeDnsServer fault(String name, Fault fault) {
        faults.put(key(name(name), ANY_TYPE), fault);
        return this;
    }

    /** Misbehave only for questions about {@code name} of {@code type} (e.g. "AAAA"). */
    public FakeDnsServer fault(String name, String type, Fault fault) {
        faults.put(key(name(name), Type.value(type)), fault);
        return this;
    }

    public FakeDnsServer clearFault(String name) {
        Name n = name(name);
        faults.keySet().removeIf(k -> k.startsWith(n.toString().toLowerCase(Locale.ROOT) + "/"));
        return this;
    }

    /**
     * Serves whole zones, signed or not: questions under them are answered from the zones with RRSIGs and
     * NSEC proofs (see {@link ZoneAnswers}) instead of from {@link #add}; faults still apply.
     */
    public FakeDnsServer serve(SignedZone... served) {
        zones.addAll(List.of(served));
        return this;
    }

    /** Marks names as validated: answers whose whole chain is marked get AD. */
    public FakeDnsServer secure(String... names) {
        for (String n : names) {
            secure.add(name(n));
        }
        return this;
    }

    /** When false, a CNAME is answered alone, as an authoritative server does for an out-of-zone target. */
    public FakeDnsServer followCnames(boolean follow) {
        this.followCnames = follow;
        return this;
    }

    /** TTL and MINIMUM of the SOA sent with NXDOMAIN/NODATA (RFC 2308). */
    public FakeDnsServer negativeTtl(long seconds) {
        this.negativeTtl = seconds;
        return this;
    }

    /** Questions received for (name, type) over UDP and TCP together. */
    public int queries(String name, String type) {
        AtomicInteger c = counts.get(key(name(name), Type.value(type)));
        return c == null ? 0 : c.get();
    }

    public int totalQueries() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public int tcpQueries() {
        return tcpQueries.get();
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing a listening socket has no state worth reporting
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        try {
            udpThread.join(5_000);
            tcpThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65_535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                return;
            }
            Optional<byte[]> reply = reply(Arrays.copyOf(packet.getData(), packet.getLength()), true);
            if (reply.isPresent()) {
                try {
                    udp.send(new DatagramPacket(reply.get(), reply.get().length, packet.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                return;
            }
            connections.add(s);
            Thread t = new Thread(() -> serveConnection(s), "fake-dns-tcp-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serveConnection(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException eof) {
                    return;
                }
                byte[] query = in.readNBytes(length);
                tcpQueries.incrementAndGet();
                Optional<byte[]> reply = reply(query, false);
                if (reply.isPresent()) {
                    byte[] framed = new byte[reply.get().length + 2];
                    framed[0] = (byte) (reply.get().length >>> 8);
                    framed[1] = (byte) reply.get().length;
                    System.arraycopy(reply.get(), 0, framed, 2, reply.get().length);
                    out.write(framed);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // a client that hangs up (or close()) ends only this connection
        } finally {
            connections.remove(s);
        }
    }

    private Optional<byte[]> reply(byte[] wire, boolean overUdp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return Optional.empty();
        }
        Record question = query.getQuestion();
        if (question == null) {
            return Optional.empty();
        }
        Name qname = question.getName();
        int qtype = question.getType();
        counts.computeIfAbsent(key(qname, qtype), k -> new AtomicInteger()).incrementAndGet();

        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Fault fault = faults.getOrDefault(key(qname, qtype), faults.get(key(qname, ANY_TYPE)));
        if (fault != null) {
            switch (fault) {
                case SERVFAIL -> {
                    response.addRecord(question, Section.QUESTION);
                    response.getHeader().setRcode(Rcode.SERVFAIL);
                    return Optional.of(response.toWire());
                }
                case REFUSED -> {
                    response.addRecord(question, Section.QUESTION);
                    response.getHeader().setRcode(Rcode.REFUSED);
                    return Optional.of(response.toWire());
                }
                case DROP -> {
                    return Optional.empty();
                }
                case MALFORMED -> {
                    response.addRecord(question, Section.QUESTION);
                    byte[] full = response.toWire();
                    return Optional.of(Arrays.copyOf(full, 12 + 3));
                }
                case TRUNCATE_UDP -> {
                    if (overUdp) {
                        response.addRecord(question, Section.QUESTION);
                        response.getHeader().setFlag(Flags.TC);
                        return Optional.of(response.toWire());
                    }
                }
                case WRONG_QUESTION -> {
                    Name other = name("wrong-question.invalid.");
                    response.addRecord(Record.newRecord(other, qtype, DClass.IN), Section.QUESTION);
                    return Optional.of(response.toWire());
                }
            }
        }
        response.addRecord(question, Section.QUESTION);
        Optional<SignedZone> zone = ZoneAnswers.zoneFor(zones, qname, qtype);
        if (zone.isPresent()) {
            ZoneAnswers.answer(response, zones, zone.get(), qname, qtype);
        } else {
            answer(response, qname, qtype);
        }
        if (!overUdp) {
            return Optional.of(response.toWire());
        }
        // RFC 6891 §6.2.5: never more than the client said it can take; dnsjava then sets TC.
        int limit = query.getOPT() == null ? 512 : Math.max(512, query.getOPT().getPayloadSize());
        return Optional.of(response.toWire(limit));
    }

    private void answer(Message response, Name qname, int qtype) {
        Name current = qname;
        Set<Name> visited = new HashSet<>();
        visited.add(current);
        boolean allSecure = secure.contains(current);
        for (int step = 0; step < 32; step++) {
            Map<Integer, List<Record>> node = zone.get(current);
            List<Record> data = node == null ? null : node.get(qtype);
            if (data != null && !data.isEmpty()) {
                data.forEach(r -> response.addRecord(r, Section.ANSWER));
                break;
            }
            List<Record> alias = node == null || qtype == Type.CNAME ? null : node.get(Type.CNAME);
            if (alias != null && !alias.isEmpty()) {
                alias.forEach(r -> response.addRecord(r, Section.ANSWER));
                if (!followCnames) {
                    break;
                }
                current = ((CNAMERecord) alias.get(0)).getTarget();
                allSecure &= secure.contains(current);
                if (!visited.add(current)) {
                    break;
                }
                continue;
            }
            if (node == null) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            long ttl = negativeTtl;
            response.addRecord(new SOARecord(SOA_OWNER, DClass.IN, ttl, name("ns.fake."), name("hostmaster.fake."),
                    1, 3600, 600, 86_400, ttl), Section.AUTHORITY);
            break;
        }
        if (allSecure) {
            response.getHeader().setFlag(Flags.AD);
        }
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase(Locale.ROOT) + "/" + type;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** For diagnostics in assertion messages. */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        zone.keySet().forEach(n -> names.add(n.toString()));
        return "FakeDnsServer" + address() + names;
    }
}
