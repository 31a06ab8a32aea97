package dev.rampart.queue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The queue file format, version 1. One file per message, named by its {@link QueueId}. All integers are
 * big-endian; a {@code str} is a u32 octet count followed by UTF-8; an {@code instant} is i64 epoch
 * seconds followed by i32 nanoseconds.
 *
 * <pre>
 * offset 0   preamble (24 octets)
 *              magic        4  "RMPQ"
 *              version      1  1
 *              reserved     3  zero
 *              bodyLength   8  i64; -1 while the body is being written, set by commit
 *              headerLength 4  u32; octets from offset 0 to the first body octet
 *              rcptCount    4  u32; n, at least 1
 * offset 24  state area: n octets, one per recipient, in index order (see below)
 * 24+n       envelope records, each  tag u8 | length u32 | payload, in this order:
 *              0x01 ARRIVAL    instant
 *              0x02 PARAMS     str sender | u8 body | u8 smtputf8 | str envid | u8 ret | u8 tls | str client | str authuser
 *              0x03 RECIPIENT  (n times, index order) u32 index | str address | str orcpt | u8 notify bit set
 *            a reader skips records whose tag has the high bit set (optional, added by later minor versions)
 *            and rejects any other unknown tag
 * headerLength   body: bodyLength raw octets, exactly as received
 * then       end record (8 octets): "END" | version u8 | u32 CRC32C (see Checksum)
 * then       update log: zero or more records  0x55 'U' | length u32 | payload | u32 CRC32C(tag, length, payload)
 *              payload: u16 count | count × (u32 index | u8 state | u32 attempts | instant lastAttempt |
 *                       str diagnostic | str remoteMta | u8 delayNotified)
 * </pre>
 *
 * <p><b>Checksum.</b> The end record's CRC32C covers the envelope records, then the body, then the 24-octet
 * preamble with its final body length. The preamble is fed last because its body length is only known at
 * commit, and the JDK cannot combine CRCs; the writer thus checksums in one streaming pass. The state
 * area is outside the checksum because it is rewritten in place.
 *
 * <p><b>Recipient state.</b> The update log records the full status of every recipient an update touched
 * (not a delta), so applying records in order and keeping the last one per recipient is the current
 * state. One {@link MessageQueue#update} call is one record, so a batch is all-or-nothing. The record is
 * forced before anything else happens; a crash can at worst tear the trailing record, which the reader
 * ignores (its CRC fails or it is short): that attempt is forgotten and the recipients are retried, a
 * duplicate but never a loss. The writer truncates a torn tail before appending, so garbage never sits
 * between valid records. When a recipient becomes final its state octet in the state area is overwritten
 * in place (a one-octet write is atomic on any block device) after the update record is forced: a final
 * state octet wins over the log, so "done" survives even a damaged log, and a file whose every state
 * octet is final can be removed without reading the log. State octets are distinctive letters so a stray
 * value is detected as corruption.
 *
 * <p>Stateless; all methods are pure functions over buffers and thread-safe.
 */
final class QueueFileFormat {
    static final byte[] MAGIC = {'R', 'M', 'P', 'Q'};
    static final byte VERSION = 1;
    static final int PREAMBLE_LENGTH = 24;
    static final int BODY_LENGTH_OFFSET = 8;
    static final int END_LENGTH = 8;
    static final byte[] END_MARK = {'E', 'N', 'D', VERSION};
    static final byte TAG_ARRIVAL = 0x01;
    static final byte TAG_PARAMS = 0x02;
    static final byte TAG_RECIPIENT = 0x03;
    static final byte TAG_UPDATE = 0x55;
    /** Bounds that keep a damaged length field from allocating gigabytes. */
    static final int MAX_HEADER = 16 << 20;
    static final int MAX_UPDATE_RECORD = 4 << 20;
    /** An update record counts its entries in a u16, so one message has at most this many recipients. */
    static final int MAX_RECIPIENTS = 0xFFFF;

    private QueueFileFormat() {}

    static byte stateCode(RecipientState state) {
        return switch (state) {
            case QUEUED -> 'Q';
            case DEFERRED -> 'D';
            case DELIVERED -> 'S';
            case BOUNCED -> 'B';
        };
    }

    static RecipientState stateOf(byte code) throws CorruptQueueFileException {
        return switch (code) {
            case 'Q' -> RecipientState.QUEUED;
            case 'D' -> RecipientState.DEFERRED;
            case 'S' -> RecipientState.DELIVERED;
            case 'B' -> RecipientState.BOUNCED;
            default -> throw new CorruptQueueFileException("unknown recipient state octet 0x" + Integer.toHexString(code & 0xFF));
        };
    }

    /** The encoded header (preamble, state area, envelope records) with body length -1. */
    record Header(byte[] bytes, int stateAreaOffset, int recordsOffset) {
        int length() {
            return bytes.length;
        }
    }

    static Header encodeHeader(Instant arrival, MessageParams params, List<RecipientSpec> recipients) {
        int n = recipients.size();
        if (n < 1 || n > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("a message needs 1.." + MAX_RECIPIENTS + " recipients, got " + n);
        }
        Encoder records = new Encoder();
        records.record(TAG_ARRIVAL, e -> e.instant(arrival));
        records.record(TAG_PARAMS, e -> {
            e.str(params.sender());
            e.u8(params.body().ordinal());
            e.u8(params.smtpUtf8() ? 1 : 0);
            e.str(params.envId());
            e.u8(params.ret().ordinal());
            e.u8(params.tls().ordinal());
            e.str(params.client());
            e.str(params.authUser());
        });
        for (int i = 0; i < n; i++) {
            RecipientSpec r = recipients.get(i);
            int index = i;
            records.record(TAG_RECIPIENT, e -> {
                e.u32(index);
                e.str(r.address());
                e.str(r.orcpt());
                e.u8(notifyBits(r.notifyOn()));
            });
        }
        byte[] recordBytes = records.toByteArray();
        int headerLength = PREAMBLE_LENGTH + n + recordBytes.length;
        if (headerLength > MAX_HEADER) {
            throw new IllegalArgumentException("envelope too large: " + headerLength + " octets");
        }
        ByteBuffer buf = ByteBuffer.allocate(headerLength);
        buf.put(preamble(-1, headerLength, n));
        for (int i = 0; i < n; i++) {
            buf.put(stateCode(RecipientState.QUEUED));
        }
        buf.put(recordBytes);
        return new Header(buf.array(), PREAMBLE_LENGTH, PREAMBLE_LENGTH + n);
    }

    static byte[] preamble(long bodyLength, int headerLength, int recipientCount) {
        ByteBuffer buf = ByteBuffer.allocate(PREAMBLE_LENGTH);
        buf.put(MAGIC).put(VERSION).put(new byte[3]).putLong(bodyLength).putInt(headerLength).putInt(recipientCount);
        return buf.array();
    }

    static byte[] endRecord(int crc) {
        return ByteBuffer.allocate(END_LENGTH).put(END_MARK).putInt(crc).array();
    }

    static byte[] encodeUpdate(List<RecipientStatus> statuses) {
        Encoder payload = new Encoder();
        payload.u16(statuses.size());
        for (RecipientStatus s : statuses) {
            payload.u32(s.index());
            payload.u8(stateCode(s.state()));
            payload.u32(s.attempts());
            payload.instant(s.lastAttempt());
            payload.str(s.lastDiagnostic());
            payload.str(s.remoteMta());
            payload.u8(s.delayNotified() ? 1 : 0);
        }
        byte[] p = payload.toByteArray();
        if (p.length > MAX_UPDATE_RECORD) {
            throw new IllegalArgumentException("update too large: " + p.length + " octets");
        }
        ByteBuffer buf = ByteBuffer.allocate(1 + 4 + p.length + 4);
        buf.put(TAG_UPDATE).putInt(p.length).put(p);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    private static int notifyBits(Set<Notify> notify) {
        int bits = 0;
        for (Notify n : notify) {
            bits |= 1 << n.ordinal();
        }
        return bits;
    }

    static Set<Notify> notifySet(int bits) throws CorruptQueueFileException {
        Notify[] all = Notify.values();
        if ((bits & ~((1 << all.length) - 1)) != 0) {
            throw new CorruptQueueFileException("unknown NOTIFY bits 0x" + Integer.toHexString(bits));
        }
        EnumSet<Notify> set = EnumSet.noneOf(Notify.class);
        for (Notify n : all) {
            if ((bits & (1 << n.ordinal())) != 0) {
                set.add(n);
            }
        }
        return set;
    }

    static <E extends Enum<E>> E enumAt(E[] values, int ordinal, String what) throws CorruptQueueFileException {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new CorruptQueueFileException("unknown " + what + " code " + ordinal);
        }
        return values[ordinal];
    }

    /** Growable big-endian writer for records. */
    static final class Encoder {
        private ByteBuffer buf = ByteBuffer.allocate(256);

        interface Body {
            void write(Encoder e);
        }

        void record(byte tag, Body body) {
            u8(tag);
            int lengthAt = buf.position();
            u32(0);
            int start = buf.position();
            body.write(this);
            buf.putInt(lengthAt, buf.position() - start);
        }

        void u8(int v) {
            ensure(1);
            buf.put((byte) v);
        }

        void u16(int v) {
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException("too many entries: " + v);
            }
            ensure(2);
            buf.putShort((short) v);
        }

        void u32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void instant(Instant t) {
            ensure(12);
            buf.putLong(t.getEpochSecond()).putInt(t.getNano());
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            ensure(b.length);
            buf.put(b);
        }

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        byte[] toByteArray() {
            byte[] out = new byte[buf.position()];
            buf.get(0, out);
            return out;
        }
    }

    /** Bounds-checked reader: every read past the end is corruption, never an unchecked exception. */
    static final class Decoder {
        private final ByteBuffer buf;

        Decoder(ByteBuffer buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.remaining();
        }

        int position() {
            return buf.position();
        }

        private void need(int n, String what) throws CorruptQueueFileException {
            if (n < 0 || buf.remaining() < n) {
                throw new CorruptQueueFileException("truncated " + what);
            }
        }

        int u8(String what) throws CorruptQueueFileException {
            need(1, what);
            return buf.get() & 0xFF;
        }

        int u16(String what) throws CorruptQueueFileException {
            need(2, what);
            return buf.getShort() & 0xFFFF;
        }

        int u32(String what) throws CorruptQueueFileException {
            need(4, what);
            int v = buf.getInt();
            if (v < 0) {
                throw new CorruptQueueFileException(what + " out of range: " + Integer.toUnsignedString(v));
            }
            return v;
        }

        long i64(String what) throws CorruptQueueFileException {
            need(8, what);
            return buf.getLong();
        }

        Instant instant(String what) throws CorruptQueueFileException {
            need(12, what);
            long seconds = buf.getLong();
            int nanos = buf.getInt();
            if (nanos < 0 || nanos > 999_999_999 || seconds < Instant.MIN.getEpochSecond()
                    || seconds > Instant.MAX.getEpochSecond()) {
                throw new CorruptQueueFileException(what + " is not a valid instant");
            }
            return Instant.ofEpochSecond(seconds, nanos);
        }

        String str(String what) throws CorruptQueueFileException {
            int n = u32(what + " length");
            need(n, what);
            byte[] b = new byte[n];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        byte[] bytes(int n, String what) throws CorruptQueueFileException {
            need(n, what);
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        Decoder slice(int n, String what) throws CorruptQueueFileException {
            need(n, what);
            ByteBuffer s = buf.slice(buf.position(), n);
            buf.position(buf.position() + n);
            return new Decoder(s);
        }
    }
}
