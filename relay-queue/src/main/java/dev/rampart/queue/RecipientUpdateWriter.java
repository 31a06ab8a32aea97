package dev.rampart.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes attempt outcomes durable in a committed queue file (QUE-01): one update record appended to the
 * log and forced, then the state octet of each recipient that became final overwritten in place and
 * forced (the order {@link QueueFileFormat} relies on). A torn tail left by an earlier crash is cut off
 * first so the new record directly follows the last valid one.
 *
 * <p>Rules for one outcome: a final recipient never changes again (that would resend or lose mail, so
 * it is a caller bug and nothing is written); an attempt counts, and replaces time, diagnostic and remote
 * MTA; a non-attempt (a delay notice sent) keeps them; delay-notified is sticky once set. Invalid input
 * is rejected before anything is written. Stateless; the caller serialises writers of one file.
 */
final class RecipientUpdateWriter {
    private RecipientUpdateWriter() {}

    /** Applies {@code updates} in order to the file open in {@code ch} (read/write) and returns the new envelope. */
    static Envelope write(QueueId id, FileChannel ch, List<RecipientUpdate> updates) throws IOException {
        QueueFileReader.Parsed parsed = QueueFileReader.read(id, ch, false);
        List<RecipientStatus> current = new ArrayList<>(parsed.envelope().recipients());
        Map<Integer, RecipientStatus> changed = new LinkedHashMap<>();
        for (RecipientUpdate u : updates) {
            if (u.index() < 0 || u.index() >= current.size()) {
                throw new IllegalArgumentException("message " + id + " has no recipient " + u.index());
            }
            RecipientStatus next = apply(current.get(u.index()), u);
            current.set(u.index(), next);
            changed.put(u.index(), next);
        }
        Envelope result = new Envelope(id, parsed.envelope().arrival(), parsed.envelope().params(), current);
        if (changed.isEmpty()) {
            return result;
        }
        if (ch.size() > parsed.logEnd()) {
            ch.truncate(parsed.logEnd());
        }
        writeFully(ch, QueueFileFormat.encodeUpdate(List.copyOf(changed.values())), parsed.logEnd());
        ch.force(true);
        boolean finalMarked = false;
        for (RecipientStatus s : changed.values()) {
            if (s.state().isFinal()) {
                writeFully(ch, new byte[] {QueueFileFormat.stateCode(s.state())}, parsed.stateAreaOffset() + s.index());
                finalMarked = true;
            }
        }
        if (finalMarked) {
            ch.force(false);
        }
        return result;
    }

    static RecipientStatus apply(RecipientStatus s, RecipientUpdate u) {
        if (s.state().isFinal()) {
            throw new IllegalArgumentException("recipient " + s.index() + " is already " + s.state());
        }
        boolean attempt = u.countsAsAttempt();
        return new RecipientStatus(s.index(), s.spec(), u.state(), attempt ? s.attempts() + 1 : s.attempts(),
                attempt ? u.attemptTime() : s.lastAttempt(), attempt ? u.diagnostic() : s.lastDiagnostic(),
                attempt ? u.remoteMta() : s.remoteMta(), s.delayNotified() || u.delayNotified());
    }

    private static void writeFully(FileChannel ch, byte[] bytes, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            position += ch.write(b, position);
        }
    }
}
