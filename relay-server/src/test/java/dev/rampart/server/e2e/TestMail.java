package dev.rampart.server.e2e;

import dev.rampart.queue.QueueId;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** Test messages with a unique Subject and Message-ID, and reading notices (RFC 3464) that come back. */
final class TestMail {

    private TestMail() {}

    /** A small RFC 5322 message, CRLF line ends, identified by {@code tag} in Subject and Message-ID. */
    static String message(String from, List<String> to, String tag) {
        return "From: <" + from + ">\r\n"
                + "To: " + String.join(", ", to.stream().map(t -> "<" + t + ">").toList()) + "\r\n"
                + "Subject: " + tag + "\r\n"
                + "Message-ID: <" + tag + "@e2e.rampart.test>\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "\r\n"
                + "Test message " + tag + ".\r\n"
                + ".a line that starts with a dot\r\n";
    }

    /** The queue id in "250 2.0.0 Ok: queued as <id>". */
    static Optional<String> queueId(SmtpSubmitter.Reply reply) {
        for (String token : reply.text().split("[\\s<>]+")) {
            if (QueueId.isValid(token)) {
                return Optional.of(token);
            }
        }
        return Optional.empty();
    }

    static MimeMessage parse(MaildirMessage m) throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.mime.allowutf8", "true");
        return new MimeMessage(Session.getInstance(props), new ByteArrayInputStream(m.raw()));
    }

    /** The field groups of a notice's delivery-status part: [per-message, per-recipient...]. */
    static List<InternetHeaders> statusGroups(MimeMessage notice) throws Exception {
        MimeMultipart parts = (MimeMultipart) notice.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            MimeBodyPart part = (MimeBodyPart) parts.getBodyPart(i);
            if (part.getContentType().toLowerCase().contains("delivery-status")) {
                List<InternetHeaders> groups = new ArrayList<>();
                InputStream in = part.getRawInputStream();
                while (true) {
                    InternetHeaders g = new InternetHeaders(in, true);
                    if (!g.getAllHeaders().hasMoreElements()) {
                        return groups;
                    }
                    groups.add(g);
                }
            }
        }
        throw new AssertionError("no delivery-status part in the notice");
    }
}
