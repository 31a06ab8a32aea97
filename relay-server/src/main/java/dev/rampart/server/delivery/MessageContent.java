package dev.rampart.server.delivery;

import dev.rampart.queue.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes a delivery sends for a queued message: the stored content itself, or that content with
 * something in front of it (a DKIM signature for relayed mail, {@code dkim.keys}). Thread-safe.
 */
@FunctionalInterface
public interface MessageContent {
    InputStream open(QueuedMessage message) throws IOException;

    /** The message as stored. */
    MessageContent STORED = QueuedMessage::openBody;
}
