package dev.rampart.server.smtp;

import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.TlsTag;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One mail transaction of a session, from an accepted MAIL to the end of its content (RFC 5321 §3.3).
 * Event-loop confined, owned by {@link SmtpSession}.
 */
final class MailTransaction {

    /**
     * What the session knows about its client when the content starts: it goes into the envelope and the
     * Received: field (SUB-11).
     */
    record Client(String heloName, boolean extended, InetAddress address, String tlsProtocol, String tlsCipher,
                  String authUser) {}

    /** What the receiver needs from the listener around it. */
    record Storage(MessageQueue queue, Executor io, Consumer<QueueId> onQueued, Runnable onDrained,
                   ByteBufAllocator alloc, InstantSource clock) {}

    final SmtpCommand.Mail mail;
    final List<RecipientSpec> recipients = new ArrayList<>();
    boolean rcptAttempted;
    boolean bdat;
    boolean finishing;
    private MessageReceiver receiver;

    MailTransaction(SmtpCommand.Mail mail) {
        this.mail = mail;
    }

    /** Why DATA/BDAT cannot start now, or empty when it can (RFC 2920 §3.1: never 354 without recipients). */
    static Optional<SmtpReply> contentRefusal(Optional<MailTransaction> tx) {
        if (tx.isEmpty()) {
            return Optional.of(SmtpReply.of(503, "5.5.1", "Error: need MAIL command"));
        }
        if (tx.get().recipients.isEmpty()) {
            return Optional.of(tx.get().rcptAttempted
                    ? SmtpReply.of(554, "5.5.1", "Error: no valid recipients")
                    : SmtpReply.of(503, "5.5.1", "Error: need RCPT command"));
        }
        return Optional.empty();
    }

    Optional<MessageReceiver> receiver() {
        return Optional.ofNullable(receiver);
    }

    boolean congested() {
        return receiver != null && receiver.congested();
    }

    /** Starts the content: from now on pieces go to the returned receiver. */
    MessageReceiver startContent(Client client, SmtpSettings settings, Storage storage, boolean viaBdat) {
        if (receiver != null) {
            throw new IllegalStateException("content already started");
        }
        bdat = viaBdat;
        String single = recipients.size() == 1 ? recipients.get(0).address() : "";
        ZonedDateTime now = ZonedDateTime.ofInstant(storage.clock().instant(), ZoneOffset.UTC);
        MessageParams params = new MessageParams(mail.sender(), mail.body(), mail.smtpUtf8(), mail.envId(),
                mail.ret(), mail.requireTls() ? TlsTag.REQUIRE_TLS : TlsTag.DEFAULT,
                client.heloName() + " " + ReceivedHeader.literal(client.address()), client.authUser());
        receiver = new MessageReceiver(storage.queue(), storage.io(), params, recipients, settings.maxMessageSize(),
                settings.maxReceivedHeaders(),
                id -> new ReceivedHeader(client.heloName(), client.address(), client.extended(), client.tlsProtocol(),
                        client.tlsCipher(), !client.authUser().isEmpty(), mail.smtpUtf8(), settings.hostname(), id,
                        single, now).bytes(),
                storage.onQueued(), storage.onDrained(), storage.alloc(), viaBdat);
        return receiver;
    }

    /** Abandons unfinished content (RSET, new EHLO, lost connection); a finishing message is left alone. */
    void abandon() {
        if (receiver != null && !finishing) {
            receiver.abort();
        }
    }
}
