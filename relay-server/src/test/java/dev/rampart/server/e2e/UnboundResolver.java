package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A validating recursive Unbound ({@code unbound -d}, Debian package unbound) on its own loopback address,
 * port 53, as a child process in its own directory: it trusts only the test TLD's anchor
 * ({@code trust-anchor-file}), reaches the TLD through a {@code stub-zone} pointing at {@link NsdServer},
 * refuses every other name ({@code local-zone: "." refuse}), so nothing outside the test world is ever
 * queried, and caches briefly. It sets AD on secure answers and answers SERVFAIL for bogus ones, which is
 * what the relay's {@code dns.dnssec: trust-ad} mode relies on. {@link #start} returns once a query for the
 * TLD's SOA comes back validated (AD); {@link #close} stops it by PID. Not thread-safe.
 */
final class UnboundResolver implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final InetAddress address;
    private final Path dir;
    private final ChildProcess process;

    private UnboundResolver(InetAddress address, Path dir, ChildProcess process) {
        this.address = address;
        this.dir = dir;
        this.process = process;
    }

    /** Starts Unbound on a free loopback address validating {@code TestZones.TLD} with {@code trustAnchor}. */
    static UnboundResolver start(NsdServer nsd, Path trustAnchor, Path dir) throws IOException, InterruptedException {
        HostTools.requireRoot();
        Path unbound = HostTools.require("unbound", "unbound");
        InetAddress address = HostTools.freeLoopback(53, true);
        Files.createDirectories(dir);
        String tld = TestZones.TLD + ".";
        String conf = "server:\n"
                + "  interface: " + address.getHostAddress() + "@53\n"
                + "  port: 53\n"
                + "  do-ip4: yes\n"
                + "  do-ip6: no\n"
                + "  do-udp: yes\n"
                + "  do-tcp: yes\n"
                + "  num-threads: 1\n"
                + "  chroot: \"\"\n"
                + "  username: \"\"\n"
                + "  directory: \"" + dir + "\"\n"
                + "  pidfile: \"" + dir.resolve("unbound.pid") + "\"\n"
                + "  use-syslog: no\n"
                + "  logfile: \"" + dir.resolve("unbound.log") + "\"\n"
                + "  verbosity: 1\n"
                + "  val-log-level: 2\n"
                + "  log-servfail: yes\n"
                // RFC 8914 extended errors: the relay's trust-ad mode reads the reason from them.
                + "  ede: yes\n"
                + "  access-control: 127.0.0.0/8 allow\n"
                // The stub's NSD listens on a 127/8 address, which Unbound skips by default.
                + "  do-not-query-localhost: no\n"
                + "  trust-anchor-file: \"" + trustAnchor + "\"\n"
                // Never ask the real root; only the test TLD resolves. Unbound serves "test." as an empty
                // local zone by default (RFC 6761), and "." refuse would cover it ("nodefault" is not enough):
                // "transparent" hands it to the stub zone below.
                + "  local-zone: \".\" refuse\n"
                + "  local-zone: \"" + tld + "\" transparent\n"
                + "  cache-max-ttl: 5\n"
                + "  cache-max-negative-ttl: 5\n"
                + "  val-bogus-ttl: 1\n"
                + "  infra-host-ttl: 5\n"
                + "  qname-minimisation: no\n"
                + "  harden-referral-path: no\n"
                + "remote-control:\n"
                + "  control-enable: no\n"
                + "stub-zone:\n"
                + "  name: \"" + tld + "\"\n"
                + "  stub-addr: " + nsd.address().getHostAddress() + "@" + nsd.port() + "\n";
        Path confFile = dir.resolve("unbound.conf");
        Files.writeString(confFile, conf, StandardCharsets.US_ASCII);
        Path check = HostTools.require("unbound-checkconf", "unbound");
        Tools.Result checked = Tools.run(Duration.ofSeconds(20), check.toString(), confFile.toString());
        if (checked.exitCode() != 0) {
            throw new IllegalStateException("unbound-checkconf rejects the test configuration: " + checked.output());
        }
        ChildProcess process = ChildProcess.start("unbound", List.of(unbound.toString(), "-d", "-c", confFile.toString()),
                dir, dir, Map.of());
        UnboundResolver resolver = new UnboundResolver(address, dir, process);
        try {
            resolver.awaitValidating();
        } catch (RuntimeException | Error | IOException e) {
            resolver.close();
            throw e;
        }
        return resolver;
    }

    /**
     * Unbound is up once it answers anything: under a correct anchor that is an AD answer, under a wrong
     * one (a test case of its own) a SERVFAIL, so readiness must not wait for AD.
     */
    private void awaitValidating() throws IOException, InterruptedException {
        SimpleResolver resolver = resolver();
        Message query = Message.newQuery(Record.newRecord(Name.fromString(TestZones.TLD + "."), Type.SOA, 1));
        java.util.concurrent.atomic.AtomicReference<Message> last = new java.util.concurrent.atomic.AtomicReference<>();
        Await.untilTrue("unbound to answer the SOA of " + TestZones.TLD, START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new Await.Abort("unbound exited during start\n" + diagnostics());
            }
            Message answer = resolver.send(query);
            last.set(answer);
            return answer.getRcode() == Rcode.SERVFAIL
                    || answer.getRcode() == Rcode.NOERROR && answer.getHeader().getFlag(Flags.AD);
        }, () -> "last answer:\n" + last.get() + "\n" + diagnostics());
    }

    /** A dnsjava resolver that asks this Unbound with the DO bit set. */
    SimpleResolver resolver() throws IOException {
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setPort(53);
        resolver.setTimeout(Duration.ofSeconds(3));
        resolver.setEDNS(0, 1232, org.xbill.DNS.ExtendedFlags.DO, List.of());
        return resolver;
    }

    InetAddress address() {
        return address;
    }

    /** "a.b.c.d:53", the form of the relay's {@code dns.servers} entries. */
    String hostPort() {
        return address.getHostAddress() + ":53";
    }

    String diagnostics() {
        return process.tail(40) + "--- unbound.log:\n" + ChildProcess.lastLines(dir.resolve("unbound.log"), 40);
    }

    @Override
    public void close() throws InterruptedException {
        process.stop();
    }
}
