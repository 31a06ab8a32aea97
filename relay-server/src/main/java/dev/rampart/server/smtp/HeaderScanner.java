package dev.rampart.server.smtp;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the header section of a message as it streams past, without consuming or copying the content.
 * Not thread-safe; one per message.
 *
 * <p>It counts {@code Received:} fields (QUE-20, mail loop detection) and notices a {@code TLS-Required: No}
 * field (RFC 8689 §5; SUB-23). It stops at the blank line that ends the header section, or at the first line
 * that is not a header field, and ignores everything after. Each field is looked at only up to
 * {@value #FIELD_CAP} octets, which is plenty for the two field names it cares about.
 */
public final class HeaderScanner {
    static final int FIELD_CAP = 1000;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private String field = "";
    private boolean done;
    private int received;
    private boolean tlsRequiredNo;

    /** Looks at the readable bytes of {@code content}; indices are left alone. */
    public void scan(ByteBuf content) {
        int end = content.writerIndex();
        for (int i = content.readerIndex(); i < end && !done; i++) {
            byte b = content.getByte(i);
            if (b == '\n') {
                endOfLine();
            } else if (line.size() < FIELD_CAP) {
                line.write(b);
            }
        }
    }

    /** The content ended: whatever field was open is complete. */
    public void finish() {
        if (!done) {
            if (line.size() > 0) {
                endOfLine();
            }
            completeField();
            done = true;
        }
    }

    private void endOfLine() {
        byte[] bytes = line.toByteArray();
        line.reset();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        String text = new String(bytes, 0, len, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            completeField();
            done = true;
        } else if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
            if (field.length() < FIELD_CAP) {
                field = field + text; // unfold (RFC 5322 §2.2.3)
            }
        } else {
            completeField();
            int colon = text.indexOf(':');
            if (colon <= 0 || !text.substring(0, colon).strip().chars().allMatch(c -> c > 32 && c < 127)) {
                done = true; // not a header field: the body started without the blank line
                return;
            }
            field = text;
        }
    }

    private void completeField() {
        if (field.isEmpty()) {
            return;
        }
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).strip();
        switch (name) {
            case "received" -> received++;
            case "tls-required" -> tlsRequiredNo |= value.equalsIgnoreCase("no");
            default -> { }
        }
        field = "";
    }

    /** True once the header section has been read completely. */
    public boolean done() {
        return done;
    }

    public int receivedCount() {
        return received;
    }

    public boolean tlsRequiredNo() {
        return tlsRequiredNo;
    }
}
