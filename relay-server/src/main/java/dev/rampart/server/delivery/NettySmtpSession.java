package dev.rampart.server.delivery;

import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import dev.rampart.policy.tlsrpt.TlsAlerts;
import dev.rampart.policy.tlsrpt.TlsOutcome;

import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.dane.DaneVerdict;
import dev.rampart.policy.decide.RequireTlsRule;
import dev.rampart.queue.BodyType;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.config.RampartConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP client protocol over one {@link SmtpConnection}: greeting, EHLO (HELO fallback), STARTTLS
 * per {@link TlsPlan}, then transactions (RFC 5321 §3.3, §4.1; RFC 3207; RFC 2920). Every reply and
 * failure is turned into verdicts by the {@link DeliveryClassifier}. Blocking, one caller at a time.
 */
final class NettySmtpSession implements DeliverySession {
    private static final int BLOCK = 64 * 1024;
    private static final Duration QUIT_GRACE = Duration.ofSeconds(2);
    private static final Logger SESSION_LOG = LoggerFactory.getLogger("rampart.session");

    private final SmtpConnection connection;
    private final String hostName;
    private final RampartConfig.Delivery config;
    private final DeliveryClassifier classifier;
    private final Capabilities caps;
    private final ObservedTls tls;
    private boolean broken;

    private final MessageContent content;

    private NettySmtpSession(SmtpConnection connection, String hostName, RampartConfig.Delivery config,
                             DeliveryClassifier classifier, Capabilities caps, ObservedTls tls, MessageContent content) {
        this.content = content;
        this.connection = connection;
        this.hostName = hostName;
        this.config = config;
        this.classifier = classifier;
        this.caps = caps;
        this.tls = tls;
    }

    /**
     * Runs greeting, EHLO and STARTTLS on a fresh connection. Under {@link TlsPlan.Required} any TLS
     * problem closes the connection at once, before a single further command is sent (QUE-17, POL-05).
     *
     * @param startTls    false for the plaintext retry after a failed opportunistic handshake (POL-06)
     * @param retryReason why the previous handshake failed when {@code startTls} is false, kept with the
     *                    session's {@link ObservedTls.None} for the audits and TLS-RPT; empty otherwise
     * @param tlsContext  context for this plan (accept-any for opportunistic, the plan's trust manager otherwise)
     */
    static NettySmtpSession open(SmtpConnection connection, String hostName, TlsPlan plan, boolean startTls,
                                 String retryReason, SslContext tlsContext, RampartConfig.Delivery config,
                                 DeliveryClassifier classifier, MessageContent content) throws SessionException {
        SmtpReply greeting = connection.await(Stage.GREETING, config.greetingTimeout());
        if (!greeting.positive()) {
            connection.quit(QUIT_GRACE);
            throw new SessionException(new SessionFailure.Rejected(Stage.GREETING, greeting));
        }
        Capabilities caps = hello(connection, config);
        ObservedTls tls = ObservedTls.none();
        switch (plan) {
            case TlsPlan.Required required -> {
                if (!caps.startTls()) {
                    connection.close();
                    throw new SessionException(new SessionFailure.TlsRequired(
                            "STARTTLS not offered but " + required.demandedBy(),
                            new TlsOutcome.Failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED, "")));
                }
                try {
                    tls = negotiate(connection, tlsContext, required.peerName(), required.authentication(), config);
                } catch (SessionException e) {
                    connection.close();
                    throw new SessionException(new SessionFailure.TlsRequired(requiredFailure(required, e.failure()),
                            rptFailure(required, e.failure())));
                }
                tls = authenticated(connection, required, tls);
                caps = hello(connection, config);
            }
            case TlsPlan.Plaintext plaintext -> {
                // Manual level none (row 1): the operator chose plaintext; STARTTLS is never sent.
            }
            case TlsPlan.Opportunistic opportunistic -> {
                if (!startTls) {
                    tls = new ObservedTls.None(ObservedTls.Plaintext.HANDSHAKE_FAILED, retryReason);
                } else if (!caps.startTls()) {
                    tls = new ObservedTls.None(ObservedTls.Plaintext.NOT_OFFERED, "STARTTLS not offered");
                } else {
                    boolean negotiated = false;
                    try {
                        String sni = opportunistic.serverName().isEmpty() ? sniName(hostName, connection)
                                : opportunistic.serverName();
                        tls = negotiate(connection, tlsContext, sni, "unauthenticated", config);
                        negotiated = true;
                    } catch (SessionException e) {
                        if (!(e.failure() instanceof SessionFailure.Rejected)) {
                            throw e;
                        }
                        // 454 or 5xx to STARTTLS: RFC 3207 §4 lets the client go on in plaintext.
                        tls = new ObservedTls.None(ObservedTls.Plaintext.REFUSED, describe(e.failure()));
                    }
                    if (negotiated) {
                        caps = hello(connection, config);
                    }
                }
            }
        }
        NettySmtpSession session = new NettySmtpSession(connection, hostName, config, classifier, caps, tls, content);
        session.logOpened();
        return session;
    }

    /**
     * The precise reason a required-TLS session failed: the DANE verifier's own words when it refused the
     * chain ("no TLSA record matched: leaf SPKI sha256 ab12…"), the PKIX check's when it did ("MTA-STS
     * enforce: certificate names [a.example] do not match mx.example.org …", STS-18), else what went
     * wrong and who demanded TLS.
     */
    private static String requiredFailure(TlsPlan.Required required, SessionFailure failure) {
        if (required.trustManager() instanceof DaneTrustManager dane
                && dane.verdict().orElse(null) instanceof DaneVerdict.Failed failed) {
            return failed.reason();
        }
        Optional<String> pkix = required.pkixRefusal();
        if (pkix.isPresent()) {
            return pkix.get();
        }
        return describe(failure) + "; " + required.demandedBy();
    }

    /**
     * The same failure as TLS-RPT reports it (RPT-06): the DANE verifier's and the PKIX check's own kinds,
     * {@code starttls-not-supported} for a refused STARTTLS, else {@code validation-failure} with the
     * alert as reason code where one was named.
     */
    static TlsOutcome.Failure rptFailure(TlsPlan.Required required, SessionFailure failure) {
        if (required.trustManager() instanceof DaneTrustManager dane
                && dane.verdict().orElse(null) instanceof DaneVerdict.Failed failed) {
            return new TlsOutcome.Failure(switch (failed.kind()) {
                case TLSA_INVALID -> TlsRptResultType.TLSA_INVALID;
                case CERTIFICATE_HOST_MISMATCH -> TlsRptResultType.CERTIFICATE_HOST_MISMATCH;
                case CERTIFICATE_EXPIRED -> TlsRptResultType.CERTIFICATE_EXPIRED;
                case CERTIFICATE_NOT_TRUSTED -> TlsRptResultType.CERTIFICATE_NOT_TRUSTED;
            }, "");
        }
        Optional<PkixPeerCheck.Refusal> pkix = required.pkixRefusalKind();
        if (pkix.isPresent()) {
            return new TlsOutcome.Failure(TlsChecks.resultType(pkix.get().kind()), "");
        }
        return switch (failure) {
            case SessionFailure.Rejected r -> new TlsOutcome.Failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED, "");
            case SessionFailure.TlsHandshakeFailed h -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE,
                    TlsAlerts.reasonCode(h.reason()).orElse("tls-handshake-failed"));
            case SessionFailure.Timeout t -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, "starttls-timeout");
            case SessionFailure.ConnectionLost l -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE,
                    "connection-lost-during-tls");
            case SessionFailure.TlsRequired r -> r.rpt();
            case SessionFailure.ConnectFailed c -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, "");
            case SessionFailure.MissingExtension m -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, "");
            case SessionFailure.TooLarge t -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, "");
            case SessionFailure.LocalError l -> new TlsOutcome.Failure(TlsRptResultType.VALIDATION_FAILURE, "");
        };
    }

    /**
     * What a completed required handshake proved. Under DANE only a recorded match counts: a handshake
     * that completed without the check running (say, a resumed session) is refused, never logged as
     * authenticated and never used in clear.
     */
    private static ObservedTls authenticated(SmtpConnection connection, TlsPlan.Required required, ObservedTls tls)
            throws SessionException {
        if (!(required.trustManager() instanceof DaneTrustManager dane)) {
            return tls;
        }
        if (dane.verdict().orElse(null) instanceof DaneVerdict.Matched matched
                && tls instanceof ObservedTls.Negotiated n) {
            return n.authenticatedAs(matched.mode().logName());
        }
        connection.close();
        throw new SessionException(new SessionFailure.TlsRequired(
                "the TLS handshake completed without a DANE check; " + required.demandedBy(),
                new TlsOutcome.Failure(TlsRptResultType.TLSA_INVALID, "")));
    }

    /** One line per session with what TLS gave (protocol, cipher, peer certificate), for operators. */
    private void logOpened() {
        var event = SESSION_LOG.atInfo()
                .addKeyValue("session", connection.id())
                .addKeyValue("relay", hostName + "[" + connection.remote().getAddress().getHostAddress() + "]:"
                        + connection.remote().getPort())
                .addKeyValue("tls", tls.logValue());
        String detail = switch (tls) {
            case ObservedTls.None none -> "";
            case ObservedTls.Negotiated n -> {
                event = event.addKeyValue("protocol", n.protocol()).addKeyValue("cipher", n.cipher())
                        .addKeyValue("peer", n.peerCertificate());
                yield " protocol=" + n.protocol() + " cipher=" + n.cipher() + " peer=" + DeliveryLog.quoted(n.peerCertificate());
            }
        };
        event.log("session=" + connection.id() + " relay=" + hostName + "["
                + connection.remote().getAddress().getHostAddress() + "]:" + connection.remote().getPort()
                + " tls=" + tls.logValue() + detail + " pipelining=" + caps.pipelining() + " dsn=" + caps.dsn());
    }

    /**
     * The name for SNI: the MX host name; for an address literal next hop (MX-02) the bare address,
     * which the JDK does not send as SNI (RFC 6066 §3 allows host names only).
     */
    private static String sniName(String hostName, SmtpConnection connection) {
        return hostName.startsWith("[") ? connection.remote().getAddress().getHostAddress() : hostName;
    }

    /** STARTTLS and handshake; a refused STARTTLS leaves the session in plaintext (opportunistic callers only). */
    private static ObservedTls negotiate(SmtpConnection connection, SslContext context, String peerName,
                                         String authentication, RampartConfig.Delivery config) throws SessionException {
        connection.send("STARTTLS");
        SmtpReply reply = connection.await(Stage.STARTTLS, config.starttlsTimeout());
        if (reply.code() != 220) {
            throw new SessionException(new SessionFailure.Rejected(Stage.STARTTLS, reply));
        }
        return connection.startTls(context, peerName, connection.remote().getPort(), config.starttlsTimeout(),
                authentication);
    }

    private static Capabilities hello(SmtpConnection connection, RampartConfig.Delivery config) throws SessionException {
        connection.send("EHLO " + config.heloName());
        SmtpReply ehlo = connection.await(Stage.EHLO, config.heloTimeout());
        if (ehlo.positive()) {
            return Capabilities.fromEhlo(ehlo);
        }
        if (!ehlo.permanentFailure()) {
            connection.quit(QUIT_GRACE);
            throw new SessionException(new SessionFailure.Rejected(Stage.EHLO, ehlo));
        }
        // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; fall back to HELO.
        connection.send("HELO " + config.heloName());
        SmtpReply helo = connection.await(Stage.HELO, config.heloTimeout());
        if (!helo.positive()) {
            connection.quit(QUIT_GRACE);
            throw new SessionException(new SessionFailure.Rejected(Stage.HELO, helo));
        }
        return Capabilities.none();
    }

    private static String describe(SessionFailure failure) {
        return switch (failure) {
            case SessionFailure.Rejected r -> "STARTTLS refused: " + r.reply().oneLine();
            case SessionFailure.TlsHandshakeFailed h -> "the TLS handshake failed: " + h.reason();
            case SessionFailure.Timeout t -> "timeout during " + t.stage().display();
            case SessionFailure.ConnectionLost l -> "the connection was lost during " + l.stage().display();
            case SessionFailure.ConnectFailed c -> c.reason();
            case SessionFailure.TlsRequired r -> r.reason();
            case SessionFailure.MissingExtension m -> "missing " + m.extension();
            case SessionFailure.TooLarge t -> "message too large";
            case SessionFailure.LocalError e -> e.reason();
        };
    }

    Capabilities capabilities() {
        return caps;
    }

    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public InetSocketAddress remote() {
        return connection.remote();
    }

    @Override
    public ObservedTls tls() {
        return tls;
    }

    @Override
    public boolean reusable() {
        return !broken && connection.isOpen();
    }

    @Override
    public boolean reset() {
        if (!reusable()) {
            return false;
        }
        try {
            connection.send("RSET");
            if (connection.await(Stage.RSET, config.heloTimeout()).positive()) {
                return true;
            }
        } catch (SessionException e) {
            // fall through: the session is no longer usable
        }
        broken = true;
        connection.close();
        return false;
    }

    @Override
    public TransactionResult deliver(QueuedMessage message, List<RecipientStatus> recipients) {
        if (!reusable()) {
            return TransactionResult.all(recipients, classifier.failure(
                    new SessionFailure.ConnectionLost(Stage.RSET, "session no longer usable")), caps.dsn());
        }
        MessageParams params = message.envelope().params();
        if (EnvelopeCommands.unsafe(params.sender())
                || recipients.stream().anyMatch(r -> EnvelopeCommands.unsafe(r.address()))) {
            return TransactionResult.all(recipients, new Verdict(Disposition.BOUNCE, "5.1.3",
                    "address contains characters that cannot be sent in an SMTP command"), caps.dsn());
        }
        SessionFailure unsuitable = unsuitable(params, message.bodySize());
        if (unsuitable != null) {
            return TransactionResult.all(recipients, classifier.failure(unsuitable), caps.dsn());
        }
        Verdict[] verdicts = new Verdict[recipients.size()];
        try {
            transaction(message, recipients, verdicts);
        } catch (SessionException e) {
            broken = true;
            connection.close();
            Verdict failed = classifier.failure(e.failure());
            for (int i = 0; i < verdicts.length; i++) {
                if (verdicts[i] == null) {
                    verdicts[i] = failed;
                }
            }
        }
        List<TransactionResult.RecipientOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < verdicts.length; i++) {
            outcomes.add(new TransactionResult.RecipientOutcome(recipients.get(i), verdicts[i]));
        }
        return new TransactionResult(outcomes, caps.dsn());
    }

    /**
     * QUE-19, RFC 1870 and RFC 8689 §4.2.1 (row 21): whether this peer can take the message at all; null
     * when it can. A REQUIRETLS message needs TLS and the extension in the post-TLS EHLO; its notices (from
     * {@code <>}) only ask for it where offered, since they cannot bounce (QUE-18).
     */
    private SessionFailure unsuitable(MessageParams params, long size) {
        if (params.tls() == TlsTag.REQUIRE_TLS && !params.nullSender()) {
            if (tls instanceof ObservedTls.None) {
                return new SessionFailure.MissingExtension("TLS", RequireTlsRule.NO_TLS, true);
            }
            if (!caps.has(EnvelopeCommands.REQUIRETLS)) {
                return new SessionFailure.MissingExtension(EnvelopeCommands.REQUIRETLS, RequireTlsRule.NO_REQUIRETLS,
                        true);
            }
        }
        if (params.smtpUtf8() && !caps.smtpUtf8()) {
            return new SessionFailure.MissingExtension("SMTPUTF8", "5.6.7", true);
        }
        return switch (params.body()) {
            case SEVEN_BIT -> tooLarge(size);
            case EIGHT_BIT_MIME -> caps.eightBitMime() ? tooLarge(size)
                    : new SessionFailure.MissingExtension("8BITMIME", "5.6.3", true);
            // Only DATA is implemented; binary content needs BDAT (RFC 3030 §3).
            case BINARY_MIME -> new SessionFailure.MissingExtension("BINARYMIME", "5.6.3", false);
        };
    }

    private SessionFailure tooLarge(long size) {
        long limit = caps.sizeLimit();
        return limit > 0 && size > limit ? new SessionFailure.TooLarge(size, limit) : null;
    }

    /** Fills {@code verdicts}; entries left null when a SessionException escapes get the failure's verdict. */
    private void transaction(QueuedMessage message, List<RecipientStatus> recipients, Verdict[] verdicts)
            throws SessionException {
        MessageParams params = message.envelope().params();
        String mail = EnvelopeCommands.mailFrom(params, message.bodySize(), caps);
        List<String> rcpts = recipients.stream().map(r -> EnvelopeCommands.rcptTo(r.spec(), caps)).toList();
        SmtpReply mailReply;
        List<SmtpReply> rcptReplies = new ArrayList<>();
        if (caps.pipelining()) {
            List<String> batch = new ArrayList<>();
            batch.add(mail);
            batch.addAll(rcpts);
            connection.sendAll(batch);
            mailReply = connection.await(Stage.MAIL, config.mailTimeout());
            for (int i = 0; i < rcpts.size(); i++) {
                rcptReplies.add(connection.await(Stage.RCPT, config.rcptTimeout()));
            }
        } else {
            connection.send(mail);
            mailReply = connection.await(Stage.MAIL, config.mailTimeout());
            if (mailReply.positive()) {
                for (String rcpt : rcpts) {
                    connection.send(rcpt);
                    rcptReplies.add(connection.await(Stage.RCPT, config.rcptTimeout()));
                }
            }
        }
        if (!mailReply.positive()) {
            // QUE-06: about this message only; nothing is remembered for the next one.
            Arrays.fill(verdicts, classifier.reply(Stage.MAIL, mailReply));
            return;
        }
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < rcptReplies.size(); i++) {
            if (rcptReplies.get(i).positive()) {
                accepted.add(i);
            } else {
                verdicts[i] = classifier.reply(Stage.RCPT, rcptReplies.get(i));
            }
        }
        if (accepted.isEmpty()) {
            connection.send("RSET");
            if (!connection.await(Stage.RSET, config.heloTimeout()).positive()) {
                broken = true;
            }
            return;
        }
        connection.send("DATA");
        SmtpReply dataReply = connection.await(Stage.DATA, config.dataInitTimeout());
        if (dataReply.code() != 354) {
            Verdict v = classifier.reply(Stage.DATA, dataReply);
            accepted.forEach(i -> verdicts[i] = v);
            return;
        }
        sendContent(message);
        SmtpReply done = connection.await(Stage.DATA_END, config.dataDoneTimeout());
        Verdict v = classifier.reply(Stage.DATA_END, done);
        accepted.forEach(i -> verdicts[i] = v);
    }

    /**
     * Streams the content, dot-stuffed, and the end marker. A local read error closes the connection
     * without the final dot, so the server never accepts a truncated message.
     */
    private void sendContent(QueuedMessage message) throws SessionException {
        DotStuffer stuffer = new DotStuffer();
        byte[] chunk = new byte[BLOCK];
        try (InputStream in = content.open(message)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                ByteBuf block = Unpooled.buffer(n + n / 16 + 8);
                stuffer.stuff(chunk, 0, n, block);
                connection.writeData(block, config.dataBlockTimeout());
            }
        } catch (IOException e) {
            connection.close();
            throw new SessionException(new SessionFailure.LocalError("reading the queued message: "
                    + SmtpConnection.describe(e)));
        }
        ByteBuf end = Unpooled.buffer(8);
        stuffer.finish(end);
        connection.writeData(end, config.dataBlockTimeout());
    }

    @Override
    public String localIp() {
        return connection.localIp();
    }

    @Override
    public void close() {
        if (reusable()) {
            connection.quit(QUIT_GRACE);
        } else {
            connection.close();
        }
    }
}
