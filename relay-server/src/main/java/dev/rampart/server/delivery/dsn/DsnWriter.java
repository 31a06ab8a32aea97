package dev.rampart.server.delivery.dsn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Composes RFC 3464 notices (QUE-10..QUE-13). The caller decides whether a notice is due
 * ({@link #wanted}) and queues the result as a new message from {@code <>} to the original sender.
 */
public interface DsnWriter {

    /**
     * Whether the original sender asked for (or by default gets) this kind of notice for this recipient:
     * never for a null reverse-path; NOTIFY=NEVER → none; NOTIFY without FAILURE → no failure notice;
     * without DELAY → no delay notice; absent NOTIFY = FAILURE,DELAY; RELAYED/DELIVERED need SUCCESS.
     */
    boolean wanted(dev.rampart.queue.Envelope original, dev.rampart.queue.RecipientStatus recipient, DsnAction action);

    /**
     * Writes the complete notice (header + multipart/report body, CRLF line ends) to {@code out}.
     * {@code originalContent} is the original message as queued; RET=FULL includes it, otherwise only
     * its header section is returned.
     */
    void write(DsnRequest request, InputStream originalContent, OutputStream out) throws IOException;
}
