package dev.rampart.server.tlsrpt;

import dev.rampart.policy.tlsrpt.ReportFile;
import dev.rampart.policy.tlsrpt.TlsRptReport;
import dev.rampart.server.dkim.DkimSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Optional;

/**
 * A TLS-RPT report as an email (RFC 8460 §5.3): {@code multipart/report; report-type="tlsrpt"} with a short
 * human-readable part and the gzipped JSON as {@code application/tlsrpt+gzip} (REP-08); the
 * {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} headers (REP-09); the subject of REP-10 with
 * the report id, {@code Auto-Submitted: auto-generated}; {@code TLS-Required: No} so a receiver's broken
 * TLS cannot block its own report (REP-12, RFC 8689 §5); and, when a key is given, a DKIM signature of
 * the submitter domain (REP-11). Lines end in CRLF, everything is 7-bit. Pure.
 */
public final class ReportMail {
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private ReportMail() {}

    /**
     * @param from     the envelope and header sender, an address at the submitter domain
     * @param to       the {@code mailto:} address of the rua
     * @param signer   the submitter domain's DKIM signer, if configured
     */
    public static byte[] build(ReportFile file, String from, String to, Instant now, Optional<DkimSigner> signer) {
        TlsRptReport r = file.report();
        return build(new Meta(r.reportId(), r.reportDomain(), r.submitter(), r.day(), file.name()), file.gzipped(),
                from, to, now, signer);
    }

    /** What the mail says about its report, kept with a pending delivery so a retry builds the same mail. */
    public record Meta(String reportId, String reportDomain, String submitter, java.time.LocalDate day, String fileName) {}

    public static byte[] build(Meta r, byte[] gzipped, String from, String to, Instant now, Optional<DkimSigner> signer) {
        String boundary = "tlsrpt-" + Integer.toHexString(r.reportId().hashCode()) + "-" + now.getEpochSecond();
        String messageId = "<" + r.reportId().replaceAll("[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]", "_") + ">";
        if (!messageId.contains("@")) {
            messageId = messageId.substring(0, messageId.length() - 1) + "@" + r.submitter() + ">";
        }
        Instant start = r.day().atStartOfDay().toInstant(ZoneOffset.UTC);
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n");
        m.append("To: ").append(to).append("\r\n");
        m.append("Date: ").append(DATE.format(now)).append("\r\n");
        m.append("Message-ID: ").append(messageId).append("\r\n");
        m.append("Subject: Report Domain: ").append(r.reportDomain()).append(" Submitter: ").append(r.submitter())
                .append("\r\n Report-ID: <").append(r.reportId()).append(">\r\n");
        m.append("TLS-Report-Domain: ").append(r.reportDomain()).append("\r\n");
        m.append("TLS-Report-Submitter: ").append(r.submitter()).append("\r\n");
        m.append("TLS-Required: No\r\n");
        m.append("Auto-Submitted: auto-generated\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n boundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\n");
        m.append("This is a TLS report (RFC 8460) in MIME format.\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        m.append("This is an aggregate TLS report from ").append(r.submitter()).append(" for ").append(r.reportDomain())
                .append(",\r\ncovering ").append(start).append(" to ").append(start.plusSeconds(86_399))
                .append(".\r\nReport-ID: ").append(r.reportId()).append("\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: application/tlsrpt+gzip\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment;\r\n filename=\"").append(r.fileName()).append("\"\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gzipped)).append("\r\n\r\n");
        m.append("--").append(boundary).append("--\r\n");
        byte[] message = m.toString().getBytes(StandardCharsets.US_ASCII);
        if (signer.isEmpty()) {
            return message;
        }
        byte[] signature = signer.get().sign(message, now).getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new byte[signature.length + message.length];
        System.arraycopy(signature, 0, signed, 0, signature.length);
        System.arraycopy(message, 0, signed, signature.length, message.length);
        return signed;
    }
}
