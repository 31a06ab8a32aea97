package dev.rampart.server.delivery;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Envelope;
import dev.rampart.queue.IncomingMessage;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.MessageQueue;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.delivery.dsn.DsnAction;
import dev.rampart.server.delivery.dsn.DsnRequest;
import dev.rampart.server.delivery.dsn.DsnWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Decides which recipients a notice is due for and queues it as a new message from {@code <>} to the
 * original sender (QUE-10, QUE-13, QUE-14): composed by the {@link DsnWriter}, then committed like any
 * other message. Never for a null reverse-path (a bounce is never bounced). Blocking (disk I/O);
 * thread-safe.
 */
final class NoticeQueue {
    private final MessageQueue queue;
    private final DsnWriter writer;

    NoticeQueue(MessageQueue queue, DsnWriter writer) {
        this.queue = queue;
        this.writer = writer;
    }

    /**
     * Queues one notice about {@code recipients} (with their statuses) when the sender wants it for any
     * of them. {@code envelope} is the original's envelope with the outcome of this attempt applied.
     * Empty when no notice was due (or the sender is null).
     */
    Optional<Queued> send(QueuedMessage message, Envelope envelope, DsnAction action,
                               List<RecipientStatus> recipients, List<String> statuses, Instant now,
                               Instant willRetryUntil) throws IOException {
        if (envelope.params().nullSender()) {
            return Optional.empty();
        }
        List<RecipientStatus> wanted = new ArrayList<>();
        List<String> wantedStatuses = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (writer.wanted(envelope, recipients.get(i), action)) {
                wanted.add(recipients.get(i));
                wantedStatuses.add(statuses.get(i));
            }
        }
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        DsnRequest request = new DsnRequest(envelope, action, wanted, wantedStatuses, now, willRetryUntil);
        MessageParams original = envelope.params();
        // QUE-18, RFC 8689 §5: a notice about a REQUIRETLS message carries REQUIRETLS itself. Being from <>
        // it can never bounce, so its delivery asks for REQUIRETLS where offered and is not dropped
        // where it is not (see DomainDelivery).
        TlsTag tag = original.tls() == TlsTag.REQUIRE_TLS ? TlsTag.REQUIRE_TLS : TlsTag.DEFAULT;
        MessageParams params = new MessageParams("", original.body() == BodyType.SEVEN_BIT ? BodyType.SEVEN_BIT
                : BodyType.EIGHT_BIT_MIME, original.smtpUtf8(), "", Ret.UNSPECIFIED, tag,
                "rampart delivery status notification", "");
        try (IncomingMessage notice = queue.create(params, List.of(RecipientSpec.of(original.sender())));
             InputStream content = message.openBody()) {
            writer.write(request, content, notice.body());
            QueueId id = commit(notice);
            return Optional.of(new Queued(id, List.copyOf(wanted)));
        }
    }

    /** A notice that was queued, and the recipients it is about. */
    record Queued(QueueId id, List<RecipientStatus> recipients) {}

    private static QueueId commit(IncomingMessage notice) throws IOException {
        try {
            return notice.commit().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while committing a notice", e);
        } catch (ExecutionException e) {
            throw new IOException("committing a notice failed: " + SmtpConnection.describe(e), e);
        }
    }
}
