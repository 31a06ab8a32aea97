package dev.rampart.server.smtp;

import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.server.config.HostPort;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.smtp.auth.PasswordFile;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound SMTP listener: binds every {@code smtp.listen} address, runs one {@link SmtpSession} per
 * connection and stores accepted mail in the {@link MessageQueue}, calling {@code onQueued} after each
 * durable commit (the scheduler's wake-up).
 *
 * <p>Life cycle: construct (loads the TLS certificate and the AUTH users file; fails fast on bad files),
 * {@link #start()} once, {@link #close()} once. {@code close} is graceful: it stops accepting, answers 421
 * to every session as soon as it is between commands (a message being received or committed finishes
 * first), waits up to {@link #DRAIN_TIMEOUT} and then closes what is left. Thread-safe.
 */
public final class SmtpServer implements AutoCloseable {
    /** How long {@link #close()} lets sessions finish their current message. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** RFC 4954 §4: an AUTH command line may be up to 12288 octets; every other limit is below it. */
    static final int MAX_FRAMED_LINE = 12288;

    private static final Logger LOG = LoggerFactory.getLogger("rampart.smtp");

    private final RampartConfig.Smtp config;
    private final SmtpSettings settings;
    private final SmtpMetrics metrics;
    private final ExecutorService blockingPool;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup sessions = new DefaultChannelGroup("smtp-sessions", GlobalEventExecutor.INSTANCE);
    private final SmtpChannelInitializer initializer;
    private final List<Channel> listeners = new ArrayList<>();
    private boolean started;
    private boolean closed;

    public SmtpServer(RampartConfig.Smtp config, MessageQueue queue, Consumer<QueueId> onQueued,
                      MeterRegistry metrics, InstantSource clock) throws IOException {
        this.config = config;
        this.settings = new SmtpSettings(config.hostname(), config.maxMessageSize(), config.maxRecipients(),
                config.maxReceivedHeaders(), config.allowedNetworks(), loadTls(config), loadUsers(config),
                config.idleTimeout(), config.maxConnections(), config.maxConnectionsPerClient(), MAX_FRAMED_LINE);
        this.metrics = new SmtpMetrics(metrics);
        // Queue I/O and password hashing block; virtual threads keep that cheap and off the event loops.
        this.blockingPool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smtp-io-", 0).factory());
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        this.initializer = new SmtpChannelInitializer(settings, queue, onQueued, this.metrics, clock, blockingPool,
                sessions);
    }

    private static Optional<SslContext> loadTls(RampartConfig.Smtp config) throws IOException {
        Optional<java.nio.file.Path> cert = config.tlsCertPath();
        Optional<java.nio.file.Path> key = config.tlsKeyPath();
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("smtp.tlsCert and smtp.tlsKey must be set together");
        }
        // PKCS#8 PEM key; the JDK provider needs no BouncyCastle for it.
        return Optional.of(SslContextBuilder.forServer(cert.get().toFile(), key.get().toFile()).build());
    }

    private static Optional<PasswordFile> loadUsers(RampartConfig.Smtp config) throws IOException {
        Optional<java.nio.file.Path> path = config.authUsersPath();
        return path.isEmpty() ? Optional.empty() : Optional.of(PasswordFile.load(path.get()));
    }

    /** Binds every listen address; returns the bound addresses (real ports when port 0 was asked for). */
    public synchronized List<InetSocketAddress> start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        try {
            for (HostPort hp : config.listen()) {
                Channel ch = bootstrap.bind(new InetSocketAddress(hp.host(), hp.port())).sync().channel();
                listeners.add(ch);
                LOG.info("listening on {}", ch.localAddress());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot bind SMTP listener: " + e.getMessage(), e);
        }
        return boundAddresses();
    }

    public synchronized List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** Open inbound connections right now. */
    public int openConnections() {
        return initializer.openConnections();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly();
        }
        for (Channel ch : sessions) {
            ch.eventLoop().execute(() -> {
                SmtpSession session = ch.pipeline().get(SmtpSession.class);
                if (session != null) {
                    session.shutdown();
                } else {
                    ch.close();
                }
            });
        }
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (Channel ch : sessions) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !ch.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                break;
            }
        }
        sessions.close().awaitUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        // Aborts and commits already handed to the pool finish; a queue stuck on its disk does not hang us.
        blockingPool.shutdown();
        try {
            if (!blockingPool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("queue work still running after shutdown; interrupting it");
                blockingPool.shutdownNow();
            }
        } catch (InterruptedException e) {
            blockingPool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("SMTP listener stopped");
    }
}
