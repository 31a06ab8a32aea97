package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * An authoritative NSD ({@code nsd -d}, Debian package nsd) serving {@link TestZones} on one loopback address
 * and port, as a child process in its own directory. {@link #start} returns once NSD answers the SOA of every
 * zone; {@link #close} stops it by PID. Not thread-safe.
 */
final class NsdServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final InetAddress address;
    private final int port;
    private final Path dir;
    private final ChildProcess process;

    private NsdServer(InetAddress address, int port, Path dir, ChildProcess process) {
        this.address = address;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts NSD on a free loopback address, port 53, with the zones (signed through {@code signer}). */
    static NsdServer start(TestZones zones, Path dir, TestZones.ZoneSigner signer) throws IOException, InterruptedException {
        HostTools.requireRoot();
        Path nsd = HostTools.require("nsd", "nsd");
        InetAddress address = HostTools.freeLoopback(53, true);
        return start(zones, dir, signer, nsd, address, 53);
    }

    static NsdServer start(TestZones zones, Path dir) throws IOException, InterruptedException {
        return start(zones, dir, TestZones.ZoneSigner.NONE);
    }

    private static NsdServer start(TestZones zones, Path dir, TestZones.ZoneSigner signer, Path nsd, InetAddress address,
                                   int port) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("  ip-address: ").append(address.getHostAddress()).append('@').append(port).append('\n')
                .append("  do-ip6: no\n")
                .append("  server-count: 1\n")
                .append("  hide-version: yes\n")
                .append("  zonesdir: \"").append(dir).append("\"\n")
                .append("  pidfile: \"").append(dir.resolve("nsd.pid")).append("\"\n")
                .append("  database: \"\"\n")
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  zonelistfile: \"").append(dir.resolve("zone.list")).append("\"\n")
                .append("  xfrdfile: \"").append(dir.resolve("xfrd.state")).append("\"\n")
                .append("  xfrdir: \"").append(dir).append("\"\n")
                .append("  logfile: \"").append(dir.resolve("nsd.log")).append("\"\n")
                .append("  verbosity: 1\n")
                .append("remote-control:\n  control-enable: no\n");
        Map<String, List<String>> ds = new HashMap<>();
        for (String origin : zones.signingOrder()) {
            Path file = dir.resolve(origin + ".zone");
            Files.writeString(file, zones.render(origin, address, ds), StandardCharsets.US_ASCII);
            TestZones.Signed signed = signer.sign(origin, file);
            ds.put(origin, signed.dsRecords());
            conf.append("zone:\n  name: \"").append(origin).append(".\"\n  zonefile: \"").append(signed.servedFile())
                    .append("\"\n");
        }
        Path confFile = dir.resolve("nsd.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.US_ASCII);
        ChildProcess process = ChildProcess.start("nsd", List.of(nsd.toString(), "-d", "-c", confFile.toString()), dir, dir,
                Map.of());
        NsdServer server = new NsdServer(address, port, dir, process);
        try {
            server.awaitServing(zones.origins());
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitServing(List<String> origins) throws IOException, InterruptedException {
        SimpleResolver resolver = resolver();
        for (String origin : origins) {
            Await.untilTrue("nsd to answer the SOA of " + origin, START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new Await.Abort("nsd exited during start\n" + diagnostics());
                }
                Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(origin + "."), Type.SOA, 1)));
                return answer.getRcode() == Rcode.NOERROR && !answer.getSection(1).isEmpty();
            }, this::diagnostics);
        }
    }

    SimpleResolver resolver() throws IOException {
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(1));
        return resolver;
    }

    InetAddress address() {
        return address;
    }

    int port() {
        return port;
    }

    /** "a.b.c.d:port", the form of the relay's {@code dns.servers} entries. */
    String hostPort() {
        return address.getHostAddress() + ":" + port;
    }

    Path dir() {
        return dir;
    }

    String diagnostics() {
        return process.tail(40) + "--- nsd.log:\n" + ChildProcess.lastLines(dir.resolve("nsd.log"), 40);
    }

    @Override
    public void close() throws InterruptedException {
        process.stop();
    }
}
