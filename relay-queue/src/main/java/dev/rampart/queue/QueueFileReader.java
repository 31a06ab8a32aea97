package dev.rampart.queue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Parses a committed queue file ({@link QueueFileFormat}) into its envelope, with every recipient's
 * current status (state area and update log applied). Any structural fault raises
 * {@link CorruptQueueFileException} with a reason fit for an operator; a torn trailing update record is
 * not a fault (see the format's class comment) and is reported through {@link Parsed#logEnd()}.
 * Stateless and thread-safe; the channel is read with positional reads only.
 */
final class QueueFileReader {
    private static final int BUFFER = 64 * 1024;

    private QueueFileReader() {}

    /**
     * @param logEnd          where the valid update log ends: the next update record is written here
     * @param stateAreaOffset file offset of recipient 0's state octet
     */
    record Parsed(Envelope envelope, int headerLength, long bodyLength, long logEnd, int stateAreaOffset) {
        long bodyOffset() {
            return headerLength;
        }
    }

    /**
     * @param verifyBody also read the body and check the end record's checksum (recovery does; routine
     *                   opens trust the file recovery or commit vouched for and only check the structure)
     */
    static Parsed read(QueueId id, FileChannel ch, boolean verifyBody) throws IOException {
        long fileSize = ch.size();
        if (fileSize < QueueFileFormat.PREAMBLE_LENGTH) {
            throw new CorruptQueueFileException("truncated: " + fileSize + " octets, no complete preamble");
        }
        ByteBuffer pre = readFully(ch, 0, QueueFileFormat.PREAMBLE_LENGTH);
        byte[] magic = new byte[4];
        pre.get(magic);
        if (!Arrays.equals(magic, QueueFileFormat.MAGIC)) {
            throw new CorruptQueueFileException("bad magic, not a queue file");
        }
        int version = pre.get();
        if (version != QueueFileFormat.VERSION) {
            throw new CorruptQueueFileException("unsupported format version " + version);
        }
        pre.position(QueueFileFormat.BODY_LENGTH_OFFSET);
        long bodyLength = pre.getLong();
        int headerLength = pre.getInt();
        int n = pre.getInt();
        if (bodyLength < 0) {
            throw new CorruptQueueFileException("no body length: the message was never committed");
        }
        if (n < 1 || n > QueueFileFormat.MAX_RECIPIENTS) {
            throw new CorruptQueueFileException("impossible recipient count " + Integer.toUnsignedString(n));
        }
        if (headerLength < QueueFileFormat.PREAMBLE_LENGTH + n || headerLength > QueueFileFormat.MAX_HEADER) {
            throw new CorruptQueueFileException("impossible header length " + Integer.toUnsignedString(headerLength));
        }
        long endOffset = headerLength + bodyLength;
        if (bodyLength > fileSize || endOffset + QueueFileFormat.END_LENGTH > fileSize) {
            throw new CorruptQueueFileException("truncated: no end record (file " + fileSize + " octets, end expected at "
                    + endOffset + ")");
        }
        ByteBuffer header = readFully(ch, 0, headerLength);
        ByteBuffer end = readFully(ch, endOffset, QueueFileFormat.END_LENGTH);
        byte[] mark = new byte[4];
        end.get(mark);
        if (!Arrays.equals(mark, QueueFileFormat.END_MARK)) {
            throw new CorruptQueueFileException("missing end record at offset " + endOffset);
        }
        int storedCrc = end.getInt();
        int recordsOffset = QueueFileFormat.PREAMBLE_LENGTH + n;
        if (verifyBody) {
            CRC32C crc = new CRC32C();
            crc.update(header.slice(recordsOffset, headerLength - recordsOffset));
            updateFromFile(crc, ch, headerLength, bodyLength);
            crc.update(header.slice(0, QueueFileFormat.PREAMBLE_LENGTH));
            if ((int) crc.getValue() != storedCrc) {
                throw new CorruptQueueFileException("checksum mismatch: stored " + Integer.toHexString(storedCrc)
                        + ", computed " + Integer.toHexString((int) crc.getValue()));
            }
        }
        byte[] stateArea = new byte[n];
        header.get(QueueFileFormat.PREAMBLE_LENGTH, stateArea);
        header.position(recordsOffset);
        Envelope base = decodeRecords(id, new QueueFileFormat.Decoder(header), n, stateArea);
        long logStart = endOffset + QueueFileFormat.END_LENGTH;
        List<RecipientStatus> statuses = new ArrayList<>(base.recipients());
        long logEnd = applyLog(ch, logStart, fileSize, statuses);
        for (int i = 0; i < n; i++) {
            RecipientState inPlace = QueueFileFormat.stateOf(stateArea[i]);
            RecipientStatus s = statuses.get(i);
            if (inPlace.isFinal() && s.state() != inPlace) {
                statuses.set(i, withState(s, inPlace));
            }
        }
        Envelope envelope = new Envelope(id, base.arrival(), base.params(), statuses);
        return new Parsed(envelope, headerLength, bodyLength, logEnd, QueueFileFormat.PREAMBLE_LENGTH);
    }

    private static Envelope decodeRecords(QueueId id, QueueFileFormat.Decoder d, int n, byte[] stateArea)
            throws CorruptQueueFileException {
        Instant arrival = null;
        MessageParams params = null;
        List<RecipientStatus> recipients = new ArrayList<>(n);
        while (d.remaining() > 0) {
            int tag = d.u8("record tag");
            QueueFileFormat.Decoder r = d.slice(d.u32("record length"), "record payload");
            switch (tag) {
                case QueueFileFormat.TAG_ARRIVAL -> arrival = r.instant("arrival");
                case QueueFileFormat.TAG_PARAMS -> params = new MessageParams(
                        r.str("sender"),
                        QueueFileFormat.enumAt(BodyType.values(), r.u8("body"), "BODY"),
                        r.u8("smtputf8") != 0,
                        r.str("envid"),
                        QueueFileFormat.enumAt(Ret.values(), r.u8("ret"), "RET"),
                        QueueFileFormat.enumAt(TlsTag.values(), r.u8("tls"), "TLS tag"),
                        r.str("client"),
                        r.str("auth user"));
                case QueueFileFormat.TAG_RECIPIENT -> {
                    int index = r.u32("recipient index");
                    if (index != recipients.size() || index >= n) {
                        throw new CorruptQueueFileException("recipient record " + index + " out of order");
                    }
                    String address = r.str("recipient address");
                    String orcpt = r.str("orcpt");
                    Set<Notify> notify = QueueFileFormat.notifySet(r.u8("notify"));
                    RecipientState state = QueueFileFormat.stateOf(stateArea[index]);
                    recipients.add(new RecipientStatus(index, new RecipientSpec(address, orcpt, notify), state, 0,
                            Instant.EPOCH, "", "", false));
                }
                default -> {
                    if ((tag & 0x80) == 0) {
                        throw new CorruptQueueFileException("unknown record tag 0x" + Integer.toHexString(tag));
                    }
                }
            }
        }
        if (arrival == null || params == null) {
            throw new CorruptQueueFileException("header lacks " + (arrival == null ? "arrival" : "sender") + " record");
        }
        if (recipients.size() != n) {
            throw new CorruptQueueFileException("header has " + recipients.size() + " recipient records, expected " + n);
        }
        return new Envelope(id, arrival, params, recipients);
    }

    /** Applies valid update records in order; returns the offset just past the last valid one. */
    private static long applyLog(FileChannel ch, long start, long fileSize, List<RecipientStatus> statuses)
            throws IOException {
        long pos = start;
        while (fileSize - pos >= 9) {
            ByteBuffer head = readFully(ch, pos, 5);
            byte tag = head.get();
            int length = head.getInt();
            if (tag != QueueFileFormat.TAG_UPDATE || length < 0 || length > QueueFileFormat.MAX_UPDATE_RECORD
                    || fileSize - pos < 9L + length) {
                return pos;
            }
            ByteBuffer record = readFully(ch, pos, 5 + length + 4);
            CRC32C crc = new CRC32C();
            crc.update(record.slice(0, 5 + length));
            if ((int) crc.getValue() != record.getInt(5 + length)) {
                return pos;
            }
            List<RecipientStatus> decoded;
            try {
                decoded = decodeUpdate(new QueueFileFormat.Decoder(record.slice(5, length)), statuses);
            } catch (CorruptQueueFileException e) {
                // A record with a good CRC but bad content was written by a buggy writer: stop here, like a
                // torn tail, so the recipients it touched are retried rather than mis-stated.
                return pos;
            }
            for (RecipientStatus s : decoded) {
                statuses.set(s.index(), s);
            }
            pos += 9L + length;
        }
        return pos;
    }

    private static List<RecipientStatus> decodeUpdate(QueueFileFormat.Decoder d, List<RecipientStatus> current)
            throws CorruptQueueFileException {
        int count = d.u16("update count");
        List<RecipientStatus> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = d.u32("update index");
            if (index >= current.size()) {
                throw new CorruptQueueFileException("update for recipient " + index + " of " + current.size());
            }
            RecipientState state = QueueFileFormat.stateOf((byte) d.u8("update state"));
            int attempts = d.u32("attempts");
            Instant last = d.instant("last attempt");
            String diagnostic = d.str("diagnostic");
            String remote = d.str("remote mta");
            boolean delayNotified = d.u8("delay notified") != 0;
            out.add(new RecipientStatus(index, current.get(index).spec(), state, attempts, last, diagnostic, remote,
                    delayNotified));
        }
        return out;
    }

    static RecipientStatus withState(RecipientStatus s, RecipientState state) {
        return new RecipientStatus(s.index(), s.spec(), state, s.attempts(), s.lastAttempt(), s.lastDiagnostic(),
                s.remoteMta(), s.delayNotified());
    }

    private static void updateFromFile(CRC32C crc, FileChannel ch, long offset, long length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long pos = offset;
        long left = length;
        while (left > 0) {
            buf.clear().limit((int) Math.min(BUFFER, left));
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new CorruptQueueFileException("truncated body");
            }
            buf.flip();
            crc.update(buf);
            pos += r;
            left -= r;
        }
    }

    static ByteBuffer readFully(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new EOFException("unexpected end of file at " + (offset + buf.position()));
            }
        }
        return buf.flip();
    }
}
