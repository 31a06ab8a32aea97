package dev.rampart.server.smtp;

import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.server.smtp.auth.PasswordFile;
import dev.rampart.server.smtp.auth.SaslExchange;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one SMTP connection: a state machine over {@link SmtpCommand} (RFC 5321 §4.1.4,
 * RFC 2920, RFC 3030, RFC 3207, RFC 4954, RFC 6531, RFC 8689; SUB-01..SUB-24).
 *
 * <p>Threading: confined to the channel's event loop. Anything that blocks (queue I/O, password hashing)
 * runs on the session's serial executor; while it runs the session is WAITING: the framer is paused and
 * auto-read is off, so pipelined commands wait in order and are answered in order (SUB-18). Replies are
 * written as commands are handled and flushed when input runs dry, after the reply to a command that
 * ends a pipelined group, and whenever the session resumes after waiting.
 *
 * <p>Failure: bad input always gets a reply and the session continues; storage failures become 451;
 * a lost connection aborts an unfinished message.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("rampart.smtp");

    private enum Phase { COMMANDS, AUTH, DATA, BDAT, WAITING, CLOSED }

    private enum Greeting { NONE, HELO, EHLO }

    private final SmtpSettings settings;
    private final MessageQueue queue;
    private final Consumer<QueueId> onQueued;
    private final SmtpMetrics metrics;
    private final InstantSource clock;
    private final SmtpInputFramer framer;
    private final Executor io;
    private final String id;
    private MailTransaction.Storage storage;

    private ChannelHandlerContext ctx;
    private InetAddress client;
    private Phase phase = Phase.COMMANDS;
    private Greeting greeting = Greeting.NONE;
    private String heloName = "";
    private boolean tls;
    private String authUser = "";
    private MailTransaction tx;
    private SaslExchange sasl;
    private SmtpReply bdatRefusal;
    private boolean bdatLast;
    private boolean shutdownRequested;
    private boolean outputBlocked;

    SmtpSession(SmtpSettings settings, MessageQueue queue, Consumer<QueueId> onQueued, SmtpMetrics metrics,
                InstantSource clock, SmtpInputFramer framer, Executor io, String id) {
        this.settings = settings;
        this.queue = queue;
        this.onQueued = onQueued;
        this.metrics = metrics;
        this.clock = clock;
        this.framer = framer;
        this.io = io;
        this.id = id;
    }

    // ---- channel events -------------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        storage = new MailTransaction.Storage(queue, io, onQueued, () -> ctx.executor().execute(this::refreshAutoRead),
                ctx.alloc(), clock);
        LOG.info("session={} connect client={}", id, client.getHostAddress());
        replyNow(SmtpReply.plain(220, settings.hostname() + " ESMTP Rampart")); // SUB-01
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case SmtpCommand command -> command(command);
            case InputFrame.AuthLine line -> authLine(line);
            case InputFrame.Content content -> content(content);
            case InputFrame.ContentEnd end -> contentEnd(end);
            default -> ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush(); // input ran dry: pipelined replies go out now (RFC 2920 §3.2)
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (outputBlocked && ctx.channel().isWritable()) {
            outputBlocked = false;
            if (phase != Phase.WAITING && phase != Phase.CLOSED) {
                refreshAutoRead();
                framer.resume();
                ctx.flush();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        boolean weAreSlow = phase == Phase.WAITING || (tx != null && tx.congested());
        if (evt instanceof IdleStateEvent && !weAreSlow && phase != Phase.CLOSED) {
            // SUB-12; while we are the slow side (commit, password check, queue writer behind) the client
            // is not idle: we stopped reading.
            LOG.info("session={} idle timeout", id);
            metrics.rejected(RejectReason.IDLE_TIMEOUT);
            closeWith(SmtpReply.of(421, "4.4.2", settings.hostname() + " Error: timeout exceeded"));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (tx != null) {
            tx.abandon();
        }
        tx = null;
        phase = Phase.CLOSED;
        LOG.info("session={} disconnect", id);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("session={} closing after error: {}", id, cause.toString());
        phase = Phase.CLOSED;
        ctx.close();
    }

    /** Graceful shutdown (SUB-01): 421 now if idle between commands, else after the current operation. */
    void shutdown() {
        shutdownRequested = true;
        if (phase == Phase.COMMANDS || phase == Phase.AUTH) {
            closeWith(shuttingDown());
        }
    }

    // ---- commands -------------------------------------------------------------------------------------

    private void command(SmtpCommand command) {
        if (phase != Phase.COMMANDS) {
            return; // after QUIT or while closing: ignore the rest
        }
        if (shutdownRequested) {
            closeWith(shuttingDown());
            return;
        }
        switch (command) {
            case SmtpCommand.Ehlo c -> hello(c.domain(), Greeting.EHLO);
            case SmtpCommand.Helo c -> hello(c.domain(), Greeting.HELO);
            case SmtpCommand.Mail c -> mail(c);
            case SmtpCommand.Rcpt c -> rcpt(c);
            case SmtpCommand.Data c -> data();
            case SmtpCommand.Bdat c -> bdat(c);
            case SmtpCommand.Rset c -> {
                resetTransaction();
                reply(SmtpReply.of(250, "2.0.0", "Ok"));
            }
            case SmtpCommand.Noop c -> replyNow(SmtpReply.of(250, "2.0.0", "Ok"));
            case SmtpCommand.Quit c -> {
                phase = Phase.CLOSED;
                framer.pause();
                closeWith(SmtpReply.of(221, "2.0.0", "Bye"));
            }
            case SmtpCommand.Vrfy c -> reply(SmtpReply.of(252, "2.5.2",
                    "Cannot VRFY user, but will accept message and attempt delivery"));
            case SmtpCommand.Expn c -> reply(SmtpReply.of(502, "5.5.1", "EXPN not supported"));
            case SmtpCommand.Help c -> reply(SmtpReply.of(214, "2.0.0",
                    "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY STARTTLS AUTH"));
            case SmtpCommand.StartTls c -> startTls();
            case SmtpCommand.Auth c -> auth(c);
            case SmtpCommand.Invalid c -> {
                if (c.verb().equals("RCPT") && tx != null) {
                    tx.rcptAttempted = true; // for the 554 to a later DATA (RFC 2920 §3.1)
                }
                metrics.rejected(RejectReason.SYNTAX);
                replyNow(c.reply());
            }
        }
    }

    private void hello(String name, Greeting kind) {
        resetTransaction(); // SUB-03: a second EHLO resets like RSET
        greeting = kind;
        heloName = name;
        if (kind == Greeting.HELO) {
            replyNow(SmtpReply.plain(250, settings.hostname()));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(settings.hostname());
        lines.addAll(settings.ehloKeywords(tls));
        replyNow(SmtpReply.multiline(250, lines));
    }

    private void mail(SmtpCommand.Mail c) {
        if (greeting == Greeting.NONE) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: send EHLO or HELO first"), RejectReason.BAD_SEQUENCE);
        } else if (tx != null) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: nested MAIL command"), RejectReason.BAD_SEQUENCE);
        } else if (greeting == Greeting.HELO && c.hasParameters()) {
            refuse(SmtpReply.of(555, "5.5.4", "Parameters need EHLO"), RejectReason.SYNTAX);
        } else if (c.size().isPresent() && c.size().getAsLong() > settings.maxMessageSize()) {
            refuse(SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit"), RejectReason.MESSAGE_TOO_BIG);
        } else if (c.requireTls() && !tls) {
            refuse(SmtpReply.of(530, "5.7.10", "REQUIRETLS needs a TLS connection"), RejectReason.TLS_REQUIRED);
        } else if (!c.senderAscii() && !c.smtpUtf8()) {
            refuse(SmtpReply.of(550, "5.6.7", "Non-ASCII address needs SMTPUTF8"), RejectReason.SMTPUTF8_REQUIRED);
        } else {
            tx = new MailTransaction(c);
            reply(SmtpReply.of(250, "2.1.0", "Ok"));
        }
    }

    private void rcpt(SmtpCommand.Rcpt c) {
        if (tx == null) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: need MAIL command"), RejectReason.BAD_SEQUENCE);
            return;
        }
        tx.rcptAttempted = true;
        if (tx.bdat) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: RCPT after BDAT"), RejectReason.BAD_SEQUENCE);
        } else if (greeting == Greeting.HELO && c.hasParameters()) {
            refuse(SmtpReply.of(555, "5.5.4", "Parameters need EHLO"), RejectReason.SYNTAX);
        } else if (!c.recipientAscii() && !tx.mail.smtpUtf8()) {
            refuse(SmtpReply.of(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"), RejectReason.SMTPUTF8_REQUIRED);
        } else if (authUser.isEmpty() && !settings.trusted(client)) {
            LOG.info("session={} relay denied client={} to=<{}>", id, client.getHostAddress(), c.recipient());
            refuse(SmtpReply.of(550, "5.7.1", "Relay access denied"), RejectReason.RELAY_DENIED); // SUB-13
        } else if (tx.recipients.size() >= settings.maxRecipients()) {
            refuse(SmtpReply.of(452, "4.5.3", "Too many recipients"), RejectReason.TOO_MANY_RECIPIENTS); // SUB-09
        } else {
            tx.recipients.add(new RecipientSpec(c.recipient(), c.orcpt(), c.notifyOn()));
            reply(SmtpReply.of(250, "2.1.5", "Ok"));
        }
    }

    private void data() {
        Optional<SmtpReply> refusal = MailTransaction.contentRefusal(Optional.ofNullable(tx));
        if (refusal.isPresent()) {
            refuse(refusal.get(), RejectReason.BAD_SEQUENCE);
            ctx.flush();
            return;
        }
        if (tx.bdat) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: DATA after BDAT"), RejectReason.BAD_SEQUENCE);
            ctx.flush();
            return;
        }
        tx.startContent(clientFacts(), settings, storage, false);
        phase = Phase.DATA;
        framer.dataMode();
        replyNow(SmtpReply.plain(354, "End data with <CR><LF>.<CR><LF>"));
    }

    private void bdat(SmtpCommand.Bdat c) {
        Optional<SmtpReply> refusal = MailTransaction.contentRefusal(Optional.ofNullable(tx));
        if (refusal.isPresent()) {
            // SUB-19: the chunk is still read, then refused
            metrics.rejected(RejectReason.BAD_SEQUENCE);
            if (c.size() == 0) {
                reply(refusal.get());
            } else {
                bdatRefusal = refusal.get();
                phase = Phase.BDAT;
                framer.bdatMode(c.size());
            }
            return;
        }
        if (tx.receiver().isEmpty()) {
            tx.startContent(clientFacts(), settings, storage, true);
        }
        bdatLast = c.last();
        if (c.size() > 0) {
            phase = Phase.BDAT;
            framer.bdatMode(c.size());
        } else if (c.last()) {
            finishTransaction();
        } else {
            reply(SmtpReply.of(250, "2.0.0", "0 octets received"));
        }
    }

    private MailTransaction.Client clientFacts() {
        String tlsProtocol = "";
        String tlsCipher = "";
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            SSLSession s = ssl.engine().getSession();
            tlsProtocol = s.getProtocol();
            tlsCipher = s.getCipherSuite();
        }
        return new MailTransaction.Client(heloName, greeting == Greeting.EHLO, client, tlsProtocol, tlsCipher, authUser);
    }

    // ---- content --------------------------------------------------------------------------------------

    private void content(InputFrame.Content content) {
        Optional<MessageReceiver> receiver = tx == null ? Optional.empty() : tx.receiver();
        if ((phase == Phase.DATA || phase == Phase.BDAT) && bdatRefusal == null && receiver.isPresent()) {
            receiver.get().content(content.bytes());
            if (receiver.get().congested()) {
                refreshAutoRead();
            }
        } else {
            content.bytes().release();
        }
    }

    private void contentEnd(InputFrame.ContentEnd end) {
        if (phase == Phase.DATA) {
            tx.receiver().orElseThrow().dataEnded(end.bareCrOrLf(), end.lineTooLong());
            finishTransaction();
        } else if (phase == Phase.BDAT) {
            phase = Phase.COMMANDS;
            if (bdatRefusal != null) {
                reply(bdatRefusal);
                bdatRefusal = null;
            } else if (bdatLast) {
                finishTransaction();
            } else if (tx.receiver().orElseThrow().tooBig()) {
                // RFC 3030 §2: refuse the chunk; the client must not send more for this transaction
                refuse(SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit"), RejectReason.MESSAGE_TOO_BIG);
                resetTransaction();
            } else {
                reply(SmtpReply.of(250, "2.0.0", "Chunk received"));
            }
        }
    }

    private void finishTransaction() {
        MailTransaction t = tx;
        t.finishing = true;
        enterWaiting();
        t.receiver().orElseThrow().finish().whenComplete((outcome, err) -> ctx.executor().execute(() -> {
            tx = null;
            if (err != null) {
                LOG.error("session={} message finish failed", id, err);
                metrics.rejected(RejectReason.STORAGE_ERROR);
                reply(SmtpReply.of(451, "4.3.0", "Error: internal error, try again later"));
            } else {
                switch (outcome) {
                    case MessageReceiver.Outcome.Queued q -> {
                        metrics.accepted(q.size());
                        LOG.info("session={} queue_id={} accepted from=<{}> nrcpt={} size={} tls={} auth={}", id, q.id(),
                                t.mail.sender(), t.recipients.size(), q.size(), tls, !authUser.isEmpty());
                        reply(SmtpReply.of(250, "2.0.0", "Ok: queued as " + q.id())); // SUB-10
                    }
                    case MessageReceiver.Outcome.Rejected r -> {
                        metrics.rejected(r.reason());
                        LOG.info("session={} message rejected reason={} from=<{}>", id, r.reason().label(),
                                t.mail.sender());
                        reply(r.reply());
                    }
                }
            }
            leaveWaiting();
        }));
    }

    // ---- STARTTLS and AUTH ----------------------------------------------------------------------------

    private void startTls() {
        if (settings.tls().isEmpty()) {
            refuse(SmtpReply.of(454, "4.7.0", "TLS not available"), RejectReason.TLS_REQUIRED);
            return;
        }
        if (tls) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: TLS already active"), RejectReason.BAD_SEQUENCE); // SUB-17
            return;
        }
        if (tx != null) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: MAIL transaction in progress"), RejectReason.BAD_SEQUENCE);
            return;
        }
        if (framer.bufferedBytes() > 0) {
            // SUB-17, CVE-2011-0411 class: plaintext pipelined behind STARTTLS must never run under TLS.
            LOG.warn("session={} discarding {} octets pipelined after STARTTLS", id, framer.bufferedBytes());
            metrics.rejected(RejectReason.STARTTLS_INJECTION);
            framer.discardBuffered();
        }
        SslContext context = settings.tls().get();
        // As the SslHandler javadoc prescribes: add it before the 220 goes out; startTls=true sends that
        // reply in the clear and everything after it through TLS.
        SslHandler ssl = new SslHandler(context.newEngine(ctx.alloc()), true);
        ctx.pipeline().addFirst("tls", ssl);
        replyNow(SmtpReply.of(220, "2.0.0", "Ready to start TLS"));
        tls = true;
        greeting = Greeting.NONE; // RFC 3207 §4.2: forget everything learned in the clear
        heloName = "";
        authUser = "";
        resetTransaction();
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                metrics.tlsHandshake();
                SSLSession s = ssl.engine().getSession();
                LOG.info("session={} tls={} cipher={}", id, s.getProtocol(), s.getCipherSuite());
            } else {
                LOG.info("session={} TLS handshake failed: {}", id, f.cause().toString());
                ctx.close();
            }
        });
    }

    private void auth(SmtpCommand.Auth c) {
        if (settings.users().isEmpty()) {
            refuse(SmtpReply.of(502, "5.5.1", "AUTH not available"), RejectReason.BAD_SEQUENCE);
        } else if (!tls) {
            refuse(SmtpReply.of(538, "5.7.11", "Encryption required for requested authentication mechanism"),
                    RejectReason.TLS_REQUIRED);
        } else if (greeting != Greeting.EHLO) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: send EHLO first"), RejectReason.BAD_SEQUENCE);
        } else if (!authUser.isEmpty()) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: already authenticated"), RejectReason.BAD_SEQUENCE);
        } else if (tx != null) {
            refuse(SmtpReply.of(503, "5.5.1", "Error: AUTH not allowed in a mail transaction"),
                    RejectReason.BAD_SEQUENCE);
        } else {
            Optional<SaslExchange> exchange = SaslExchange.start(c.mechanism());
            if (exchange.isEmpty()) {
                refuse(SmtpReply.of(504, "5.5.4", "Unrecognized authentication type"), RejectReason.SYNTAX);
                return;
            }
            sasl = exchange.get();
            saslStep(sasl.first(c.initialResponse()));
        }
    }

    private void authLine(InputFrame.AuthLine line) {
        if (phase != Phase.AUTH) {
            return;
        }
        if (line.tooLong()) {
            endSasl();
            refuse(SmtpReply.of(500, "5.5.6", "Authentication exchange line is too long"), RejectReason.SYNTAX);
            return;
        }
        saslStep(sasl.next(line.bytes()));
    }

    private void saslStep(SaslExchange.Step step) {
        switch (step) {
            case SaslExchange.Step.Challenge ch -> {
                phase = Phase.AUTH;
                framer.authResponseMode();
                replyNow(SmtpReply.plain(334, ch.challenge()));
            }
            case SaslExchange.Step.Failed f -> {
                endSasl();
                metrics.auth(false);
                replyNow(f.reply());
            }
            case SaslExchange.Step.Credentials cr -> {
                endSasl();
                PasswordFile users = settings.users().orElseThrow();
                enterWaiting();
                io.execute(() -> {
                    boolean ok;
                    try {
                        ok = users.verify(cr.user(), cr.password());
                    } finally {
                        Arrays.fill(cr.password(), (byte) 0);
                    }
                    boolean success = ok;
                    ctx.executor().execute(() -> authChecked(cr.user(), success));
                });
            }
        }
    }

    private void authChecked(String user, boolean ok) {
        metrics.auth(ok);
        if (ok) {
            authUser = user;
            LOG.info("session={} authenticated user={}", id, user);
            reply(SmtpReply.of(235, "2.7.0", "Authentication successful"));
        } else {
            LOG.info("session={} authentication failed client={}", id, client.getHostAddress()); // no user: it may be a password
            metrics.rejected(RejectReason.AUTH_FAILED);
            reply(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
        }
        leaveWaiting();
    }

    private void endSasl() {
        sasl = null;
        phase = Phase.COMMANDS;
        framer.commandMode();
    }

    // ---- plumbing -------------------------------------------------------------------------------------

    private void enterWaiting() {
        phase = Phase.WAITING;
        framer.pause();
        refreshAutoRead();
        ctx.flush();
    }

    private void leaveWaiting() {
        if (phase != Phase.WAITING) {
            return;
        }
        phase = Phase.COMMANDS;
        if (shutdownRequested) {
            closeWith(shuttingDown());
            return;
        }
        refreshAutoRead();
        if (!outputBlocked) {
            framer.resume(); // buffered pipelined commands run now, in order
        }
        ctx.flush();
    }

    /** Auto-read is on unless we are waiting or the queue writer is behind (backpressure). */
    private void refreshAutoRead() {
        if (ctx == null || !ctx.channel().isOpen()) {
            return;
        }
        boolean congested = tx != null && tx.congested();
        boolean want = phase != Phase.WAITING && phase != Phase.CLOSED && !congested && !outputBlocked;
        if (ctx.channel().config().isAutoRead() != want) {
            ctx.channel().config().setAutoRead(want);
        }
    }

    private void resetTransaction() {
        if (tx != null) {
            tx.abandon();
        }
        tx = null;
    }

    private void refuse(SmtpReply reply, RejectReason reason) {
        metrics.rejected(reason);
        reply(reply);
    }

    private void reply(SmtpReply reply) {
        ctx.write(Unpooled.wrappedBuffer(reply.encode()));
        checkWritable();
    }

    private void replyNow(SmtpReply reply) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.encode()));
        checkWritable();
    }

    /**
     * A client that pipelines without reading our replies would make them pile up in memory: once the
     * outbound buffer passes its high-water mark we stop reading commands until it drains.
     */
    private void checkWritable() {
        if (!outputBlocked && !ctx.channel().isWritable()) {
            outputBlocked = true;
            LOG.debug("session={} client is not reading its replies; pausing input", id);
            framer.pause();
            refreshAutoRead();
            ctx.flush();
        }
    }

    private void closeWith(SmtpReply reply) {
        phase = Phase.CLOSED;
        framer.pause();
        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.encode())).addListener(ChannelFutureListener.CLOSE);
    }

    private SmtpReply shuttingDown() {
        return SmtpReply.of(421, "4.3.2", settings.hostname() + " Service shutting down, closing connection");
    }
}
