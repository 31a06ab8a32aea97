package dev.rampart.server.smtp;

import dev.rampart.queue.QueueId;
import dev.rampart.server.config.Cidr;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.config.RampartConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** A started {@link SmtpServer} on an ephemeral loopback port with a fake queue, for tests. */
final class TestServer implements AutoCloseable {
    static final String HOSTNAME = "mx.test.example";

    final FakeMessageQueue queue = new FakeMessageQueue();
    final List<QueueId> woken = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final SmtpServer server;
    final InetSocketAddress address;

    /** Loopback is trusted (may relay), 10 MB, 100 recipients, no TLS, no AUTH. */
    static RampartConfig.Smtp defaults() {
        return new RampartConfig.Smtp(List.of(new HostPort("127.0.0.1", 0)), HOSTNAME,
                List.of(Cidr.parse("127.0.0.0/8")), null, null, 10 * 1024 * 1024, 100, 50, 20,
                Duration.ofMinutes(5), null, 30);
    }

    static RampartConfig.Smtp with(UnaryOperator<Builder> change) {
        return change.apply(new Builder(defaults())).build();
    }

    TestServer() throws IOException {
        this(defaults());
    }

    TestServer(RampartConfig.Smtp config) throws IOException {
        server = new SmtpServer(config, queue, woken::add, metrics, Clock.systemUTC());
        address = server.start().get(0);
    }

    SmtpTestClient client() throws IOException {
        return SmtpTestClient.connect(address);
    }

    double rejections(RejectReason reason) {
        return metrics.get("rampart.smtp.rejections").tag("reason", reason.label()).counter().count();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Mutable copy of the config record, for readable test set-up. */
    static final class Builder {
        List<HostPort> listen;
        String hostname;
        List<Cidr> allowed;
        Path cert;
        Path key;
        long maxSize;
        int maxRcpt;
        int maxConn;
        int maxPerClient;
        Duration idle;
        Path users;
        int maxReceived;

        Builder(RampartConfig.Smtp c) {
            listen = c.listen();
            hostname = c.hostname();
            allowed = c.allowedNetworks();
            cert = c.tlsCert();
            key = c.tlsKey();
            maxSize = c.maxMessageSize();
            maxRcpt = c.maxRecipients();
            maxConn = c.maxConnections();
            maxPerClient = c.maxConnectionsPerClient();
            idle = c.idleTimeout();
            users = c.authUsers();
            maxReceived = c.maxReceivedHeaders();
        }

        Builder allowed(String... cidrs) {
            allowed = java.util.Arrays.stream(cidrs).map(Cidr::parse).toList();
            return this;
        }

        Builder tls(TestCerts.PemFiles files) {
            cert = files.cert();
            key = files.key();
            return this;
        }

        Builder users(Path file) {
            users = file;
            return this;
        }

        Builder maxSize(long v) {
            maxSize = v;
            return this;
        }

        Builder maxRcpt(int v) {
            maxRcpt = v;
            return this;
        }

        Builder connections(int total, int perClient) {
            maxConn = total;
            maxPerClient = perClient;
            return this;
        }

        Builder idle(Duration d) {
            idle = d;
            return this;
        }

        Builder maxReceived(int v) {
            maxReceived = v;
            return this;
        }

        RampartConfig.Smtp build() {
            return new RampartConfig.Smtp(listen, hostname, allowed, cert, key, maxSize, maxRcpt, maxConn,
                    maxPerClient, idle, users, maxReceived);
        }
    }
}
