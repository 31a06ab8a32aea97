package dev.rampart.server.delivery.dsn;

import dev.rampart.queue.Envelope;
import dev.rampart.queue.Notify;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Composes delivery status notifications as RFC 3464 {@code multipart/report; report-type=delivery-status}
 * messages (QUE-10..QUE-13, QUE-15): a plain-words explanation, the {@code message/delivery-status} fields,
 * and the original (whole for a failure with RET=FULL, else its header section). Notices about SMTPUTF8
 * mail use the RFC 6533 types {@code message/global-delivery-status}, {@code message/global} and
 * {@code message/global-headers}.
 *
 * <p>Output has CRLF line ends and no line over 998 octets; the MIME boundary is checked against every
 * part and replaced if it occurs in one. At most {@code returnLimit} octets of the original are held in
 * memory; a larger original is returned as its header section. Thread-safe if the token source is.
 * {@link #write} fails only with the stream's {@link IOException}s.
 */
public final class Rfc3464DsnWriter implements DsnWriter {

    /** Default cap on the original returned with a RET=FULL failure (Postfix's bounce_size_limit idea). */
    public static final int DEFAULT_RETURN_LIMIT = 1024 * 1024;

    private static final int BOUNDARY_TRIES = 16;

    private final String reportingMta;
    private final int returnLimit;
    private final Supplier<String> tokens;

    /** A writer for the relay whose FQDN is {@code reportingMta}, with random boundaries and Message-IDs. */
    public Rfc3464DsnWriter(String reportingMta) {
        this(reportingMta, DEFAULT_RETURN_LIMIT, randomTokens());
    }

    /**
     * @param reportingMta our FQDN (Reporting-MTA, From: MAILER-DAEMON@, Message-ID right-hand side)
     * @param returnLimit  most octets of the original to hold and return
     * @param tokens       unique, unguessable tokens of letters and digits for boundaries and Message-IDs
     */
    public Rfc3464DsnWriter(String reportingMta, int returnLimit, Supplier<String> tokens) {
        this.reportingMta = Objects.requireNonNull(reportingMta);
        if (!reportingMta.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("reporting MTA must be a host name: " + reportingMta);
        }
        if (returnLimit < 1024) {
            throw new IllegalArgumentException("return limit below 1024 octets: " + returnLimit);
        }
        this.returnLimit = returnLimit;
        this.tokens = Objects.requireNonNull(tokens);
    }

    /** RFC 3461 §4.1 as decided in QUE-13 and QUE-10. */
    @Override
    public boolean wanted(Envelope original, RecipientStatus recipient, DsnAction action) {
        if (original.params().nullSender()) {
            return false; // never bounce a bounce (RFC 5321 §4.5.5, QUE-10)
        }
        Set<Notify> notify = recipient.spec().notifyOn();
        if (notify.contains(Notify.NEVER)) {
            return false;
        }
        boolean defaults = notify.isEmpty();
        return switch (action) {
            case FAILED -> defaults || notify.contains(Notify.FAILURE);
            // One delay notice per recipient at most (QUE-13 [D]).
            case DELAYED -> (defaults || notify.contains(Notify.DELAY)) && !recipient.delayNotified();
            case DELIVERED, RELAYED -> notify.contains(Notify.SUCCESS);
        };
    }

    @Override
    public void write(DsnRequest request, InputStream originalContent, OutputStream out) throws IOException {
        boolean global = request.original().params().smtpUtf8();
        // RFC 3461 §4.3: RET governs failure notices; other notices return the header section only. A
        // REQUIRETLS message never has its body returned (QUE-18, RFC 8689 §5: the notice acts as RET=HDRS,
        // since its path back may be weaker than the one the sender demanded).
        boolean returnWhole = request.action() == DsnAction.FAILED && request.original().params().ret() == Ret.FULL
                && request.original().params().tls() != TlsTag.REQUIRE_TLS;
        ReturnedContent returned = returnWhole
                ? ReturnedContent.whole(originalContent, returnLimit)
                : ReturnedContent.headers(originalContent, returnLimit);

        byte[] text = NoticeText.render(reportingMta, request, returned, global).getBytes(StandardCharsets.UTF_8);
        byte[] status = DeliveryStatusPart.render(reportingMta, request, global).getBytes(StandardCharsets.UTF_8);
        String boundary = boundary(text, status, returned);
        boolean textAscii = isAscii(text);
        boolean statusAscii = isAscii(status);
        String returnedEncoding = returned.transferEncoding();
        String outerEncoding = textAscii && statusAscii && returnedEncoding.equals("7bit") ? "7bit"
                : returnedEncoding.equals("binary") ? "binary" : "8bit";

        StringBuilder head = new StringBuilder(1024);
        header(head, "From", "Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
        header(head, "To", "<" + request.original().sender() + ">");
        header(head, "Subject", NoticeText.subject(request.action()));
        header(head, "Date", FieldText.date(request.now()));
        header(head, "Message-ID", "<" + token() + "." + request.original().id() + "@" + reportingMta + ">");
        header(head, "Auto-Submitted", "auto-replied"); // RFC 3834 §5: no auto-replies to this
        header(head, "MIME-Version", "1.0");
        head.append("Content-Type: multipart/report; report-type=delivery-status;").append(FieldText.CRLF)
                .append("\tboundary=\"").append(boundary).append('"').append(FieldText.CRLF);
        header(head, "Content-Transfer-Encoding", outerEncoding);
        head.append(FieldText.CRLF).append("This is a MIME-encapsulated message.").append(FieldText.CRLF);

        head.append(FieldText.CRLF).append("--").append(boundary).append(FieldText.CRLF);
        header(head, "Content-Description", "Notification");
        header(head, "Content-Type", "text/plain; charset=" + (textAscii ? "us-ascii" : "utf-8"));
        header(head, "Content-Transfer-Encoding", textAscii ? "7bit" : "8bit");
        head.append(FieldText.CRLF);
        out.write(utf8(head));
        out.write(text);

        StringBuilder mid = new StringBuilder(256);
        mid.append(FieldText.CRLF).append("--").append(boundary).append(FieldText.CRLF);
        header(mid, "Content-Description", "Delivery report");
        header(mid, "Content-Type", global ? "message/global-delivery-status" : "message/delivery-status");
        header(mid, "Content-Transfer-Encoding", statusAscii ? "7bit" : "8bit");
        mid.append(FieldText.CRLF);
        out.write(utf8(mid));
        out.write(status);

        StringBuilder tail = new StringBuilder(256);
        tail.append(FieldText.CRLF).append("--").append(boundary).append(FieldText.CRLF);
        header(tail, "Content-Description", returned.full() ? "Undelivered Message" : "Message Headers");
        header(tail, "Content-Type", returnedType(returned.full(), global));
        header(tail, "Content-Transfer-Encoding", returnedEncoding);
        tail.append(FieldText.CRLF);
        out.write(utf8(tail));
        byte[] original = returned.octets();
        out.write(original);
        StringBuilder end = new StringBuilder(64);
        if (original.length > 0 && !endsWithCrlf(original)) {
            end.append(FieldText.CRLF);
        }
        end.append(FieldText.CRLF).append("--").append(boundary).append("--").append(FieldText.CRLF);
        out.write(utf8(end));
        out.flush();
    }

    private static String returnedType(boolean full, boolean global) {
        if (full) {
            return global ? "message/global" : "message/rfc822";
        }
        return global ? "message/global-headers" : "text/rfc822-headers";
    }

    /** RFC 2046 §5.1.1: the boundary must not occur in any encapsulated part. */
    private String boundary(byte[] text, byte[] status, ReturnedContent returned) throws IOException {
        for (int i = 0; i < BOUNDARY_TRIES; i++) {
            String candidate = "=_rampart_" + token();
            byte[] b = candidate.getBytes(StandardCharsets.US_ASCII);
            if (ReturnedContent.indexOf(text, b) < 0 && ReturnedContent.indexOf(status, b) < 0
                    && !returned.contains(b)) {
                return candidate;
            }
        }
        throw new IOException("could not find a MIME boundary that does not occur in the notice");
    }

    private String token() {
        String t = tokens.get();
        if (t == null || !t.matches("[A-Za-z0-9]{1,40}")) {
            throw new IllegalStateException("token source gave an unusable token");
        }
        return t;
    }

    private static Supplier<String> randomTokens() {
        SecureRandom random = new SecureRandom();
        return () -> {
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        };
    }

    private static void header(StringBuilder out, String name, String value) {
        out.append(FieldText.fold(name, value)).append(FieldText.CRLF);
    }

    private static byte[] utf8(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithCrlf(byte[] bytes) {
        return bytes.length >= 2 && bytes[bytes.length - 2] == '\r' && bytes[bytes.length - 1] == '\n';
    }
}
