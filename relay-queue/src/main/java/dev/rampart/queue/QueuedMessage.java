package dev.rampart.queue;

import java.io.IOException;
import java.io.InputStream;

/** A committed message opened for delivery or display. The body stream is the raw content as received. */
public interface QueuedMessage {
    Envelope envelope();

    long bodySize();

    InputStream openBody() throws IOException;
}
