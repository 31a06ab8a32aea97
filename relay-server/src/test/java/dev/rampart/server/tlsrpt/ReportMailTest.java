package dev.rampart.server.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.tlsrpt.PolicySummary;
import dev.rampart.policy.tlsrpt.ReportFile;
import dev.rampart.policy.tlsrpt.ReportJson;
import dev.rampart.policy.tlsrpt.TlsRptReport;
import dev.rampart.server.dkim.DkimKey;
import dev.rampart.server.dkim.DkimSigner;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** REP-08, REP-09, REP-10, REP-12, REP-16: the report mail, parsed back with Jakarta Mail. */
class ReportMailTest {
    private static final Instant NOW = Instant.parse("2026-11-22T02:13:00Z");

    static ReportFile file() {
        TlsRptPolicy none = new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "example.net", List.of("mx.example.net"));
        TlsRptReport report = new TlsRptReport("Rampart at relay.example", LocalDate.parse("2026-11-21"),
                "tlsrpt@relay.example", "2026-11-21T00:00:00Z.example.net.k3j4@relay.example", "relay.example",
                "example.net", List.of(new PolicySummary(none, 7, 0, List.of())));
        return ReportFile.of(report, "k3j4", ReportFile.MAX_COMPRESSED);
    }

    @Test
    void rep08_to_rep10_structureHeadersAndAttachment() throws Exception {
        ReportFile file = file();
        byte[] raw = ReportMail.build(file, "tlsrpt@relay.example", "reports@example.net", NOW, Optional.empty());
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));

        assertThat(m.getContentType()).startsWith("multipart/report").contains("report-type=\"tlsrpt\"");
        assertThat(m.getHeader("TLS-Report-Domain", null)).isEqualTo("example.net");
        assertThat(m.getHeader("TLS-Report-Submitter", null)).isEqualTo("relay.example");
        assertThat(m.getHeader("TLS-Required", null)).isEqualTo("No");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(m.getSubject()).isEqualTo("Report Domain: example.net Submitter: relay.example Report-ID: <"
                + file.report().reportId() + ">");

        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        BodyPart report = parts.getBodyPart(1);
        assertThat(report.getContentType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(report.getFileName()).isEqualTo(file.name());
        String json;
        try (InputStream in = new GZIPInputStream(report.getInputStream())) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // REP-16: the JSON is the report, and it agrees with subject and file name.
        assertThat(json).isEqualTo(new String(ReportJson.bytes(file.report()), StandardCharsets.UTF_8));
        assertThat(json).contains("\"report-id\":\"" + file.report().reportId() + "\"");
        assertThat(file.name()).startsWith("relay.example!example.net!");
    }

    @Test
    void rep11_signedByTheSubmitterDomain() throws Exception {
        var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        DkimSigner signer = new DkimSigner(new DkimKey("relay.example", "tlsrpt", keys.getPrivate()));
        byte[] raw = ReportMail.build(file(), "tlsrpt@relay.example", "reports@example.net", NOW, Optional.of(signer));
        String text = new String(raw, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
        assertThat(text.replace("\r\n\t", "")).contains("d=relay.example").contains("tls-report-domain:tls-report-submitter");
        for (String line : text.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
            assertThat(line.chars().allMatch(c -> c < 128)).isTrue();
        }
    }
}
