package dev.rampart.server.delivery;

import dev.rampart.queue.QueuedMessage;
import dev.rampart.queue.RecipientStatus;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An open, greeted SMTP client session to one address of one MX host, ready for a transaction.
 * Methods block the calling thread (never an event loop) and never throw: every problem becomes a
 * classified per-recipient outcome. Not thread-safe: one transaction at a time.
 */
public interface DeliverySession extends AutoCloseable {

    /** The MX host name this session was opened for. */
    String hostName();

    InetSocketAddress remote();

    ObservedTls tls();

    /** Our address on this connection, as TLS-RPT writes it ({@code sending-mta-ip}, RPT-12); empty if unknown. */
    default String localIp() {
        return "";
    }

    /**
     * Runs one transaction (MAIL, RCPT for each recipient, DATA) for {@code recipients} of
     * {@code message}; recipients of one message and one destination share it (QUE-05).
     */
    TransactionResult deliver(QueuedMessage message, List<RecipientStatus> recipients);

    /** Sends RSET before reusing the session for another message; false when the session is unusable. */
    boolean reset();

    /** True while the connection is up and no transaction is half done. */
    boolean reusable();

    /** QUIT (best effort) and close. Idempotent. */
    @Override
    void close();
}
