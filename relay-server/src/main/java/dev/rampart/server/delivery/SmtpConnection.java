package dev.rampart.server.delivery;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One TCP connection to an SMTP server, driven step by step by a blocking caller (a virtual thread or
 * a worker, never an event loop): write a command, wait for its reply within a timeout. Replies arrive
 * on the event loop and are handed over through a queue, so the event loop never blocks.
 *
 * <p>A timeout or protocol error closes the connection; once closed, every later wait fails with
 * {@link SessionFailure.ConnectionLost}. Not thread-safe: one caller at a time.
 */
final class SmtpConnection implements AutoCloseable {
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 200;

    private final Channel channel;
    private final ReplyDecoder decoder;
    private final Inbox inbox;

    private SmtpConnection(Channel channel) {
        this.channel = channel;
        this.decoder = channel.pipeline().get(ReplyDecoder.class);
        this.inbox = channel.pipeline().get(Inbox.class);
    }

    /** The pipeline of an outbound connection, built in one place (style rule 9). */
    static ChannelInitializer<SocketChannel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // Server bytes -> complete (multi-line) replies, with line and reply size limits.
                ch.pipeline().addLast(new ReplyDecoder(MAX_REPLY_LINE, MAX_REPLY_LINES));
                // Replies and the end of the connection -> the waiting session thread.
                ch.pipeline().addLast(new Inbox());
                // STARTTLS later inserts an SslHandler in front of both (see startTls).
            }
        };
    }

    /** Connects within {@code timeout}; waits on the calling thread. */
    static SmtpConnection connect(Bootstrap bootstrap, InetSocketAddress remote, Duration timeout)
            throws SessionException {
        ChannelFuture f = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .connect(remote);
        try {
            if (!awaitDone(f, timeout.plusSeconds(1))) {
                f.cancel(false);
                f.channel().close();
                throw new SessionException(new SessionFailure.ConnectFailed("connect timed out"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.channel().close();
            throw new SessionException(new SessionFailure.LocalError("interrupted while connecting"));
        }
        if (!f.isSuccess()) {
            throw new SessionException(new SessionFailure.ConnectFailed(describe(f.cause())));
        }
        return new SmtpConnection(f.channel());
    }

    /** Short connection id for logs ({@code session=}). */
    String id() {
        return channel.id().asShortText();
    }

    InetSocketAddress remote() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** Our address on this connection in TLS-RPT form (RPT-12); empty when the channel has none. */
    String localIp() {
        return channel.localAddress() instanceof InetSocketAddress local && local.getAddress() != null
                ? dev.rampart.policy.tlsrpt.IpText.of(local.getAddress()) : "";
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** Sends one command line (CRLF appended). Failures surface at the next {@link #await}. */
    void send(String line) {
        channel.writeAndFlush(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
    }

    /** Sends several command lines in one flush (RFC 2920 pipelining). */
    void sendAll(List<String> lines) {
        for (String line : lines) {
            channel.write(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
        }
        channel.flush();
    }

    /** Waits for the next reply. */
    SmtpReply await(Stage stage, Duration timeout) throws SessionException {
        Object next;
        try {
            next = inbox.queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new SessionException(new SessionFailure.LocalError("interrupted"));
        }
        if (next == null) {
            close();
            throw new SessionException(new SessionFailure.Timeout(stage));
        }
        if (next instanceof Closed closed) {
            inbox.queue.offer(closed);
            throw new SessionException(new SessionFailure.ConnectionLost(stage, closed.reason()));
        }
        return (SmtpReply) next;
    }

    /** Writes one block of message content and waits until it is handed to the socket (data block timeout). */
    void writeData(ByteBuf block, Duration timeout) throws SessionException {
        ChannelFuture f = channel.writeAndFlush(block);
        try {
            if (!awaitDone(f, timeout)) {
                close();
                throw new SessionException(new SessionFailure.Timeout(Stage.DATA));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new SessionException(new SessionFailure.LocalError("interrupted"));
        }
        if (!f.isSuccess()) {
            close();
            throw new SessionException(new SessionFailure.ConnectionLost(Stage.DATA, describe(f.cause())));
        }
    }

    /**
     * Starts TLS after a 220 reply to STARTTLS, as the SslHandler javadoc prescribes: the handler goes
     * first in the pipeline and the handshake starts at once. Refuses when the server already sent more
     * plaintext (a reply injected before the handshake must never be read as if it came under TLS).
     */
    ObservedTls startTls(SslContext context, String peerName, int port, Duration timeout, String authentication)
            throws SessionException {
        CompletableFuture<SslHandler> added = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            if (decoder.buffered() > 0 || !inbox.queue.isEmpty()) {
                added.completeExceptionally(new IllegalStateException("plaintext data after the STARTTLS reply"));
                return;
            }
            SslHandler ssl = context.newHandler(channel.alloc(), peerName, port);
            ssl.setHandshakeTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            channel.pipeline().addFirst("ssl", ssl);
            added.complete(ssl);
        });
        SslHandler ssl;
        try {
            ssl = added.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            var handshake = ssl.handshakeFuture();
            if (!awaitDone(handshake, timeout)) {
                close();
                throw new SessionException(new SessionFailure.Timeout(Stage.TLS_HANDSHAKE));
            }
            if (!handshake.isSuccess()) {
                close();
                throw new SessionException(new SessionFailure.TlsHandshakeFailed(describe(handshake.cause())));
            }
        } catch (ExecutionException e) {
            close();
            throw new SessionException(new SessionFailure.TlsHandshakeFailed(describe(e.getCause())));
        } catch (TimeoutException e) {
            close();
            throw new SessionException(new SessionFailure.Timeout(Stage.TLS_HANDSHAKE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new SessionException(new SessionFailure.LocalError("interrupted"));
        }
        SSLSession session = ssl.engine().getSession();
        return new ObservedTls.Negotiated(session.getProtocol(), session.getCipherSuite(), peerSubject(session),
                authentication, peerChain(session));
    }

    /**
     * Waits for a Netty future without Netty's monitor-based {@code await}, which would pin a virtual
     * thread to its carrier on Java 21; a CompletableFuture parks instead.
     */
    private static boolean awaitDone(io.netty.util.concurrent.Future<?> future, Duration timeout)
            throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.addListener(f -> done.complete(null));
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // not reachable: completed normally only
        }
    }

    /** Closes without QUIT. Idempotent. */
    @Override
    public void close() {
        inbox.closeReason = "connection closed";
        channel.close();
    }

    /** Sends QUIT and closes once the server has answered or closed, or after {@code grace}. Does not block. */
    void quit(Duration grace) {
        if (!channel.isActive()) {
            return;
        }
        inbox.closeReason = "connection closed";
        inbox.closeOnNextReply = true;
        channel.writeAndFlush(Unpooled.copiedBuffer("QUIT\r\n", StandardCharsets.US_ASCII));
        channel.eventLoop().schedule(() -> channel.close(), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static String peerSubject(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x509) {
                return x509.getSubjectX500Principal().getName();
            }
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
        return "";
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String text = root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.replaceAll("[\\r\\n]+", " ");
    }

    /** The connection has ended; stays in the queue so that every later wait sees it. */
    private record Closed(String reason) {}

    /** Hands replies and the end of the connection to the waiting session thread. */
    private static final class Inbox extends SimpleChannelInboundHandler<SmtpReply> {
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private volatile String closeReason = "connection closed by the server";
        private volatile boolean closeOnNextReply;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, SmtpReply reply) {
            if (closeOnNextReply) {
                ctx.close();
                return;
            }
            queue.offer(reply);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeReason = describe(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            queue.offer(new Closed(closeReason));
            ctx.fireChannelInactive();
        }
    }
}
