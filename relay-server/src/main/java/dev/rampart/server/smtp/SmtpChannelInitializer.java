package dev.rampart.server.smtp;

import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of every inbound connection, in one place (design.md, style rule 9). Thread-safe:
 * shared by all child channels. A connection over the limits gets {@code 421 4.7.0} and no session.
 */
final class SmtpChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger("rampart.smtp");
    private static final SmtpCommandDecoder DECODER = new SmtpCommandDecoder();

    private final SmtpSettings settings;
    private final MessageQueue queue;
    private final Consumer<QueueId> onQueued;
    private final SmtpMetrics metrics;
    private final InstantSource clock;
    private final Executor blockingPool;
    private final ConnectionLimiter limiter;
    private final ChannelGroup sessions;
    private final AtomicLong sessionCounter = new AtomicLong();
    /** Distinguishes sessions of different runs in the logs: the counter restarts with the process. */
    private final String idPrefix;

    SmtpChannelInitializer(SmtpSettings settings, MessageQueue queue, Consumer<QueueId> onQueued, SmtpMetrics metrics,
                           InstantSource clock, Executor blockingPool, ChannelGroup sessions) {
        this.settings = settings;
        this.queue = queue;
        this.onQueued = onQueued;
        this.metrics = metrics;
        this.clock = clock;
        this.blockingPool = blockingPool;
        this.limiter = new ConnectionLimiter(settings.maxConnections(), settings.maxConnectionsPerClient());
        this.sessions = sessions;
        this.idPrefix = Long.toString(clock.millis() / 1000 % 1_679_616, 36) + "-";
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetAddress client = ch.remoteAddress().getAddress();
        if (!limiter.tryAcquire(client)) {
            metrics.rejected(RejectReason.CONNECTION_LIMIT);
            LOG.info("connection refused client={} reason=connection_limit", client.getHostAddress());
            ch.writeAndFlush(Unpooled.wrappedBuffer(SmtpReply.of(421, "4.7.0", "Too many connections").encode()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        metrics.connectionOpened();
        ch.closeFuture().addListener(f -> {
            limiter.release(client);
            metrics.connectionClosed();
        });
        String id = idPrefix + Long.toString(sessionCounter.incrementAndGet(), 36);
        SmtpInputFramer framer = new SmtpInputFramer(settings.maxCommandLine());
        ChannelPipeline p = ch.pipeline();
        // (STARTTLS later puts an SslHandler in front of everything.)
        // 1. Idle timeout: no input for this long → the session answers 421 4.4.2 and closes (SUB-12).
        p.addLast("idle", new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        // 2. Framer: command lines with a length limit, or DATA/BDAT content, as the session directs.
        p.addLast("framer", framer);
        // 3. Command decoder: a command line becomes a sealed SmtpCommand; other frames pass through.
        p.addLast("commands", DECODER);
        // 4. Session: the state machine; blocking work goes to its own serial executor.
        p.addLast("session", new SmtpSession(settings, queue, onQueued, metrics, clock, framer,
                new SerialExecutor(blockingPool), id));
        sessions.add(ch);
    }

    int openConnections() {
        return limiter.open();
    }
}
