package dev.rampart.server.delivery;

import dev.rampart.server.config.RampartConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The Netty SMTP client: opens greeted sessions to one address of one MX host on the configured port
 * (25 by default). {@link #open} blocks the calling thread and must not run on an event loop; it is
 * thread-safe. Owns its event loop group unless one is passed in.
 *
 * <p>Opportunistic TLS accepts any certificate with hostname verification explicitly off (Netty 4.2
 * would otherwise verify like HTTPS); a failed opportunistic handshake is retried once on a fresh
 * connection without STARTTLS, as Postfix does (POL-06). A {@link TlsPlan.Required} plan never gets
 * that retry (QUE-17).
 */
public final class DeliveryClient implements SessionConnector {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final MessageContent content;
    private final RampartConfig.Delivery config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Bootstrap bootstrap;
    private final SslContext opportunistic;
    private final DeliveryClassifier classifier = new DeliveryClassifier();

    public DeliveryClient(RampartConfig.Delivery config) {
        this(config, MessageContent.STORED);
    }

    /** Sends {@code content} of each message (the stored bytes, or signed ones). */
    public DeliveryClient(RampartConfig.Delivery config, MessageContent content) {
        this(config, new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory()), true, content);
    }

    public DeliveryClient(RampartConfig.Delivery config, EventLoopGroup group) {
        this(config, group, false, MessageContent.STORED);
    }

    private DeliveryClient(RampartConfig.Delivery config, EventLoopGroup group, boolean ownsGroup,
                           MessageContent content) {
        this.content = content;
        this.config = config;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(SmtpConnection.initializer());
        try {
            this.opportunistic = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    @Override
    public OpenResult open(String hostName, InetAddress address, TlsPlan plan) {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                throw new IllegalStateException("DeliveryClient.open blocks and must not run on an event loop");
            }
        }
        OpenResult first = attempt(hostName, address, plan, true, "");
        if (plan instanceof TlsPlan.Opportunistic && first instanceof OpenResult.Failed failed
                && handshakeProblem(failed.failure())) {
            return attempt(hostName, address, plan, false, handshakeText(failed.failure()));
        }
        return first;
    }

    private static boolean handshakeProblem(SessionFailure failure) {
        return failure instanceof SessionFailure.TlsHandshakeFailed
                || failure instanceof SessionFailure.Timeout t && t.stage() == Stage.TLS_HANDSHAKE;
    }

    /** Why the first handshake failed, kept with the plaintext retry for the audits and TLS-RPT. */
    private static String handshakeText(SessionFailure failure) {
        return switch (failure) {
            case SessionFailure.TlsHandshakeFailed h -> "the TLS handshake failed: " + h.reason();
            case SessionFailure.Timeout t -> "timeout during " + t.stage().display();
            case SessionFailure.ConnectFailed c -> c.reason();
            case SessionFailure.ConnectionLost l -> "the connection was lost during " + l.stage().display();
            case SessionFailure.Rejected r -> r.reply().oneLine();
            case SessionFailure.TlsRequired r -> r.reason();
            case SessionFailure.MissingExtension m -> "missing " + m.extension();
            case SessionFailure.TooLarge t -> "message too large";
            case SessionFailure.LocalError e -> e.reason();
        };
    }

    private OpenResult attempt(String hostName, InetAddress address, TlsPlan plan, boolean startTls,
                               String retryReason) {
        SmtpConnection connection = null;
        try {
            connection = SmtpConnection.connect(bootstrap, new InetSocketAddress(address, config.port()),
                    config.connectTimeout());
            SslContext context = switch (plan) {
                case TlsPlan.Opportunistic o -> opportunistic;
                case TlsPlan.Plaintext p -> opportunistic; // never used: no STARTTLS is sent
                case TlsPlan.Required r -> required(r);
            };
            return new OpenResult.Opened(NettySmtpSession.open(connection, hostName, plan, startTls, retryReason,
                    context, config, classifier, content));
        } catch (SessionException e) {
            String local = "";
            if (connection != null) {
                local = connection.localIp();
                connection.close();
            }
            return new OpenResult.Failed(e.failure(), ObservedTls.none(), local);
        } catch (RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            SessionFailure failure = new SessionFailure.LocalError(SmtpConnection.describe(e));
            return new OpenResult.Failed(plan instanceof TlsPlan.Required
                    ? new SessionFailure.TlsRequired("local error: " + SmtpConnection.describe(e)) : failure,
                    ObservedTls.none());
        }
    }

    private static SslContext required(TlsPlan.Required plan) {
        try {
            return SslContextBuilder.forClient()
                    .trustManager(plan.trustManager())
                    .endpointIdentificationAlgorithm(plan.verifyHostname() ? "HTTPS" : null)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
