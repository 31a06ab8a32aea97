package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A validating recursive Unbound ({@code unbound -d}, Debian package unbound) on a free loopback address,
 * port 53, that resolves the test TLD through a stub zone pointing at an {@link NsdServer}, validates from a
 * given trust anchor file, and reports failures with RFC 8914 extended errors ({@code ede: yes}). It is
 * the "validating resolver on loopback" of {@code dns.dnssec: trust-ad}. {@link #close} stops it by PID.
 * Not thread-safe.
 */
final class UnboundResolver implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final InetAddress address;
    private final Path dir;
    private final ChildProcess process;

    private UnboundResolver(InetAddress address, Path dir, ChildProcess process) {
        this.address = address;
        this.dir = dir;
        this.process = process;
    }

    static UnboundResolver start(NsdServer nsd, Path trustAnchorFile, Path dir) throws IOException, InterruptedException {
        HostTools.requireRoot();
        Path unbound = HostTools.require("unbound", "unbound");
        InetAddress address = HostTools.freeLoopback(53, true);
        Files.createDirectories(dir);
        String conf = "server:\n"
                + "  interface: " + address.getHostAddress() + "@53\n"
                + "  port: 53\n"
                + "  do-ip6: no\n"
                + "  access-control: 127.0.0.0/8 allow\n"
                + "  do-not-query-localhost: no\n"
                + "  username: \"\"\n"
                + "  chroot: \"\"\n"
                + "  directory: \"" + dir + "\"\n"
                + "  pidfile: \"" + dir.resolve("unbound.pid") + "\"\n"
                + "  logfile: \"" + dir.resolve("unbound.log") + "\"\n"
                + "  use-syslog: no\n"
                + "  verbosity: 1\n"
                + "  val-log-level: 2\n"
                + "  ede: yes\n"
                + "  module-config: \"validator iterator\"\n"
                + "  trust-anchor-file: \"" + trustAnchorFile + "\"\n"
                + "  num-threads: 1\n"
                // Unbound answers RFC 6761 names such as test. itself with NXDOMAIN unless told not to.
                + "  local-zone: \"" + TestZones.TLD + ".\" nodefault\n"
                + "remote-control:\n  control-enable: no\n"
                + "stub-zone:\n  name: \"" + TestZones.TLD + ".\"\n"
                + "  stub-addr: " + nsd.address().getHostAddress() + "@" + nsd.port() + "\n";
        Path confFile = dir.resolve("unbound.conf");
        Files.writeString(confFile, conf, StandardCharsets.US_ASCII);
        ChildProcess process = ChildProcess.start("unbound", List.of(unbound.toString(), "-d", "-c", confFile.toString()),
                dir, dir, Map.of());
        UnboundResolver server = new UnboundResolver(address, dir, process);
        try {
            server.awaitServing();
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Unbound answers (anything, even SERVFAIL under a wrong anchor) once it is up. */
    private void awaitServing() throws IOException, InterruptedException {
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setTimeout(Duration.ofSeconds(1));
        Await.untilTrue("unbound to answer", START_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new Await.Abort("unbound exited during start\n" + diagnostics());
            }
            Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(TestZones.TLD + "."), Type.SOA, 1)));
            return answer.getRcode() == Rcode.NOERROR || answer.getRcode() == Rcode.SERVFAIL;
        }, this::diagnostics);
    }

    InetAddress address() {
        return address;
    }

    String diagnostics() {
        return process.tail(40) + "--- unbound.log:\n" + ChildProcess.lastLines(dir.resolve("unbound.log"), 40);
    }

    @Override
    public void close() throws InterruptedException {
        process.stop();
    }
}
