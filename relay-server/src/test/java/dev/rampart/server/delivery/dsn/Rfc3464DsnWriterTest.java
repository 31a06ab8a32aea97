package dev.rampart.server.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Envelope;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.Notify;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.RecipientStatus;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Composed notices parsed back with a real MIME parser (Jakarta Mail), field by field (QUE-10..QUE-15). */
class Rfc3464DsnWriterTest {

    private static final QueueId ID = new QueueId("0123456789ABCDEFGH");
    private static final Instant ARRIVAL = Instant.parse("2026-11-20T08:00:00Z");
    private static final Instant ATTEMPT = Instant.parse("2026-11-21T09:30:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant UNTIL = Instant.parse("2026-11-25T08:00:00Z");
    private static final String ORIGINAL = "From: Alice <alice@sender.test>\r\n"
            + "To: bob@dest.test\r\n"
            + "Subject: quarterly numbers\r\n"
            + "Message-ID: <orig-1@sender.test>\r\n"
            + "\r\n"
            + "Body line one: the secret figures.\r\n"
            + "Body line two.\r\n";

    private final Rfc3464DsnWriter writer = new Rfc3464DsnWriter("relay.example.test");

    // ---- structure (QUE-11) -------------------------------------------------------------------

    @Test
    void que11_failureNoticeIsMultipartReportWithThreePartsAndHeaders() throws Exception {
        MimeMessage notice = compose(failed("bob@dest.test", "550 5.1.1 <bob@dest.test>: Recipient address rejected"),
                ORIGINAL);

        ContentType type = new ContentType(notice.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        assertThat(notice.getHeader("From", null)).isEqualTo("Mail Delivery System <MAILER-DAEMON@relay.example.test>");
        assertThat(notice.getHeader("To", null)).isEqualTo("<alice@sender.test>");
        assertThat(notice.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(notice.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(notice.getHeader("MIME-Version", null)).isEqualTo("1.0");
        assertThat(notice.getMessageID()).matches("<[A-Za-z0-9]+\\.0123456789ABCDEFGH@relay\\.example\\.test>");
        assertThat(notice.getSentDate().toInstant()).isEqualTo(NOW);

        MimeMultipart parts = (MimeMultipart) notice.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(baseType(parts.getBodyPart(0))).isEqualTo("text/plain");
        assertThat(baseType(parts.getBodyPart(1))).isEqualTo("message/delivery-status");
        assertThat(parts.getBodyPart(1).getHeader("Content-Transfer-Encoding")).containsExactly("7bit");
        assertThat(baseType(parts.getBodyPart(2))).isEqualTo("text/rfc822-headers");
    }

    @Test
    void que11_humanReadablePartNamesRecipientAndRemoteReply() throws Exception {
        MimeMessage notice = compose(failed("bob@dest.test", "550 5.1.1 <bob@dest.test>: Recipient address rejected"),
                ORIGINAL);
        String text = partText(notice, 0);
        assertThat(text).contains("relay.example.test")
                .contains("could not be delivered")
                .contains("<bob@dest.test>: the mail server mx1.dest.test rejected it, saying: 550 5.1.1")
                .contains("Recipient address rejected");
    }

    // ---- fields (QUE-12) ----------------------------------------------------------------------

    @Test
    void que12_perMessageAndPerRecipientFieldsOfAFailure() throws Exception {
        MimeMessage notice = compose(failed("bob@dest.test", "550 5.1.1 <bob@dest.test>: Recipient address rejected"),
                ORIGINAL);
        List<InternetHeaders> groups = statusGroups(notice);
        assertThat(groups).hasSize(2);
        InternetHeaders perMessage = groups.get(0);
        assertThat(perMessage.getHeader("Reporting-MTA", null)).isEqualTo("dns; relay.example.test");
        assertThat(perMessage.getHeader("Original-Envelope-Id")).isNull();
        assertThat(perMessage.getHeader("Arrival-Date", null)).isEqualTo("Fri, 20 Nov 2026 08:00:00 +0000");

        InternetHeaders rcpt = groups.get(1);
        assertThat(rcpt.getHeader("Original-Recipient", null)).isEqualTo("rfc822; Bob@Dest.test");
        assertThat(rcpt.getHeader("Final-Recipient", null)).isEqualTo("rfc822; bob@dest.test");
        assertThat(rcpt.getHeader("Action", null)).isEqualTo("failed");
        assertThat(rcpt.getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(rcpt.getHeader("Remote-MTA", null)).isEqualTo("dns; mx1.dest.test");
        assertThat(rcpt.getHeader("Diagnostic-Code", null))
                .isEqualTo("smtp; 550 5.1.1 <bob@dest.test>: Recipient address rejected");
        assertThat(rcpt.getHeader("Last-Attempt-Date", null)).isEqualTo("Sat, 21 Nov 2026 09:30:00 +0000");
        assertThat(rcpt.getHeader("Will-Retry-Until")).isNull();
    }

    @Test
    void que12_envelopeIdIsReportedOnlyWhenGivenAndKeepsItsCase() throws Exception {
        DsnRequest request = failed("bob@dest.test", "550 5.1.1 no such user");
        DsnRequest withEnvId = new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "QQ-Batch.17aZ", false),
                request.recipients()), DsnAction.FAILED, request.recipients(), request.statuses(), NOW, UNTIL);
        InternetHeaders perMessage = statusGroups(compose(withEnvId, ORIGINAL)).get(0);
        assertThat(perMessage.getHeader("Original-Envelope-Id", null)).isEqualTo("QQ-Batch.17aZ");

        assertThat(statusGroups(compose(request, ORIGINAL)).get(0).getHeader("Original-Envelope-Id")).isNull();
    }

    @Test
    void que12_delayNoticeCarriesWillRetryUntilAndFourClassStatus() throws Exception {
        RecipientStatus r = status(0, "bob@dest.test", "", "451 4.7.1 greylisted, try again", "mx1.dest.test[127.0.0.1]");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.FULL, "", false), List.of(r)),
                DsnAction.DELAYED, List.of(r), List.of("4.7.1"), NOW, UNTIL);
        MimeMessage notice = compose(request, ORIGINAL);

        assertThat(notice.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        InternetHeaders rcpt = statusGroups(notice).get(1);
        assertThat(rcpt.getHeader("Action", null)).isEqualTo("delayed");
        assertThat(rcpt.getHeader("Status", null)).isEqualTo("4.7.1");
        assertThat(rcpt.getHeader("Will-Retry-Until", null)).isEqualTo("Wed, 25 Nov 2026 08:00:00 +0000");
        assertThat(partText(notice, 0)).contains("keep trying until Wed, 25 Nov 2026 08:00:00 +0000");
        // RET=FULL applies to failure notices only (RFC 3461 §4.3): a delay returns the header section.
        assertThat(baseType(part(notice, 2))).isEqualTo("text/rfc822-headers");
    }

    @Test
    void que15_localReasonIsAPrivateDiagnosticNotAnSmtpReply() throws Exception {
        RecipientStatus r = status(0, "carol@nullmx.test", "", "domain nullmx.test does not accept mail (null MX)", "");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.10"), NOW, UNTIL);
        MimeMessage notice = compose(request, ORIGINAL);
        InternetHeaders rcpt = statusGroups(notice).get(1);
        assertThat(rcpt.getHeader("Status", null)).isEqualTo("5.1.10");
        assertThat(rcpt.getHeader("Diagnostic-Code", null))
                .isEqualTo("X-Rampart; domain nullmx.test does not accept mail (null MX)");
        assertThat(rcpt.getHeader("Remote-MTA")).isNull();
        assertThat(partText(notice, 0)).contains("<carol@nullmx.test>: domain nullmx.test does not accept mail (null MX)");
    }

    @Test
    void que15_malformedOrWrongClassStatusFallsBackToTheActionsClass() throws Exception {
        RecipientStatus r = status(0, "bob@dest.test", "", "", "");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("2.0.0"), NOW, UNTIL);
        assertThat(statusGroups(compose(request, ORIGINAL)).get(1).getHeader("Status", null)).isEqualTo("5.0.0");
        // At expiry a failure may carry the last transient status (RFC 3464 §2.3.3).
        assertThat(DeliveryStatusPart.status("4.4.1", DsnAction.FAILED)).isEqualTo("4.4.1");
        assertThat(DeliveryStatusPart.status("x.y", DsnAction.DELAYED)).isEqualTo("4.0.0");
    }

    @Test
    void que12_oneGroupPerRecipient() throws Exception {
        RecipientStatus a = status(0, "a@dest.test", "", "550 5.1.1 unknown a", "mx1.dest.test");
        RecipientStatus b = status(2, "b@dest.test", "", "552 5.2.2 mailbox full", "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(a, b)),
                DsnAction.FAILED, List.of(a, b), List.of("5.1.1", "5.2.2"), NOW, UNTIL);
        List<InternetHeaders> groups = statusGroups(compose(request, ORIGINAL));
        assertThat(groups).hasSize(3);
        assertThat(groups.get(1).getHeader("Final-Recipient", null)).isEqualTo("rfc822; a@dest.test");
        assertThat(groups.get(2).getHeader("Final-Recipient", null)).isEqualTo("rfc822; b@dest.test");
        assertThat(groups.get(2).getHeader("Status", null)).isEqualTo("5.2.2");
        assertThat(groups.get(1).getHeader("Original-Recipient")).isNull();
    }

    // ---- RET (QUE-11) -------------------------------------------------------------------------

    @Test
    void que11_retFullReturnsTheWholeMessageAsMessageRfc822() throws Exception {
        RecipientStatus r = status(0, "bob@dest.test", "", "550 5.1.1 unknown", "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.FULL, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        MimeMessage notice = compose(request, ORIGINAL);
        BodyPart third = part(notice, 2);
        assertThat(baseType(third)).isEqualTo("message/rfc822");
        assertThat(new String(((MimeBodyPart) third).getRawInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(ORIGINAL);
        assertThat(partText(notice, 0)).contains("original message is attached");
    }

    @Test
    void que18_requireTlsMessageActsAsRetHdrsEvenWhenRetFullWasAsked() throws Exception {
        RecipientStatus r = status(0, "bob@dest.test", "", "REQUIRETLS: no host announced REQUIRETLS", "mx1.dest.test");
        MessageParams p = params("alice@sender.test", Ret.FULL, "", false);
        MessageParams requireTls = new MessageParams(p.sender(), p.body(), p.smtpUtf8(), p.envId(), p.ret(),
                TlsTag.REQUIRE_TLS, p.client(), p.authUser());
        DsnRequest request = new DsnRequest(envelope(requireTls, List.of(r)), DsnAction.FAILED, List.of(r),
                List.of("5.7.30"), NOW, UNTIL);
        MimeMessage notice = compose(request, ORIGINAL);
        BodyPart third = part(notice, 2);
        assertThat(baseType(third)).isEqualTo("text/rfc822-headers");
        assertThat(new String(((MimeBodyPart) third).getRawInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("Subject: quarterly numbers").doesNotContain("secret figures");
    }

    @Test
    void que11_retHdrsAndDefaultReturnOnlyTheHeaderSection() throws Exception {
        for (Ret ret : List.of(Ret.HDRS, Ret.UNSPECIFIED)) {
            RecipientStatus r = status(0, "bob@dest.test", "", "550 5.1.1 unknown", "mx1.dest.test");
            DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", ret, "", false), List.of(r)),
                    DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
            MimeMessage notice = compose(request, ORIGINAL);
            BodyPart third = part(notice, 2);
            assertThat(baseType(third)).as("RET=%s", ret).isEqualTo("text/rfc822-headers");
            String returned = new String(((MimeBodyPart) third).getRawInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(returned).contains("Subject: quarterly numbers").contains("Message-ID: <orig-1@sender.test>")
                    .doesNotContain("secret figures");
        }
    }

    @Test
    void que11_retFullOverTheLimitDegradesToHeaders() throws Exception {
        Rfc3464DsnWriter small = new Rfc3464DsnWriter("relay.example.test", 2048, new Tokens("t1", "t2", "t3"));
        String big = ORIGINAL + ("x".repeat(70) + "\r\n").repeat(100);
        RecipientStatus r = status(0, "bob@dest.test", "", "550 5.1.1 unknown", "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.FULL, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        MimeMessage notice = parse(write(small, request, big));
        assertThat(baseType(part(notice, 2))).isEqualTo("text/rfc822-headers");
        assertThat(partText(notice, 0)).contains("too large to return in full");
    }

    // ---- SMTPUTF8 (RFC 6533) ------------------------------------------------------------------

    @Test
    void que11_smtpUtf8OriginalUsesGlobalTypes() throws Exception {
        String original = "From: jörg@sender.test\r\nSubject: grüße\r\n\r\nbody ü\r\n";
        RecipientStatus r = status(0, "δοκιμή@dest.test", "", "550 5.1.1 unknown user δοκιμή", "mx1.dest.test");
        DsnRequest failure = new DsnRequest(envelope(params("jörg@sender.test", Ret.FULL, "", true), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        MimeMessage notice = compose(failure, original);
        assertThat(baseType(part(notice, 1))).isEqualTo("message/global-delivery-status");
        assertThat(baseType(part(notice, 2))).isEqualTo("message/global");
        InternetHeaders rcpt = statusGroups(notice).get(1);
        assertThat(rcpt.getHeader("Final-Recipient", null)).isEqualTo("utf-8; δοκιμή@dest.test");
        assertThat(rcpt.getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 550 5.1.1 unknown user δοκιμή");
        assertThat(notice.getHeader("To", null)).isEqualTo("<jörg@sender.test>");

        DsnRequest hdrs = new DsnRequest(envelope(params("jörg@sender.test", Ret.HDRS, "", true), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        assertThat(baseType(part(compose(hdrs, original), 2))).isEqualTo("message/global-headers");
    }

    @Test
    void que11_asciiNoticeStaysSevenBitEvenWhenTheReplyIsNot() throws Exception {
        RecipientStatus r = status(0, "bob@dest.test", "", "550 5.1.1 caf\u00e9 \u0001 closed", "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        byte[] raw = write(writer, request, ORIGINAL);
        for (byte b : raw) {
            assertThat(b).as("octet").isGreaterThanOrEqualTo((byte) 0);
        }
        assertThat(statusGroups(parse(raw)).get(1).getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 550 5.1.1 caf? closed");
    }

    // ---- line rules and boundary ---------------------------------------------------------------

    @Test
    void longMultiLineReplyIsFoldedCrlfOnlyAndUnderNineHundredNinetyEightOctets() throws Exception {
        String words = ("overlong-diagnostic-word ".repeat(120)).strip();
        String reply = "550-5.7.1 first line of a policy reply\r\n550 5.7.1 " + words + " " + "Z".repeat(2500);
        RecipientStatus r = status(0, "bob@dest.test", "", reply, "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.7.1"), NOW, UNTIL);
        byte[] raw = write(writer, request, ORIGINAL);

        int lineLength = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n') {
                assertThat(i).as("LF at %d preceded by CR", i).isGreaterThan(0);
                assertThat(raw[i - 1]).as("LF at %d preceded by CR", i).isEqualTo((byte) '\r');
                lineLength = 0;
            } else if (raw[i] == '\r') {
                assertThat(raw[i + 1]).as("CR at %d followed by LF", i).isEqualTo((byte) '\n');
            } else {
                lineLength++;
                assertThat(lineLength).as("line length at octet %d", i).isLessThanOrEqualTo(998);
            }
        }
        String diagnostic = MimeUtility.unfold(statusGroups(parse(raw)).get(1).getHeader("Diagnostic-Code", null));
        assertThat(diagnostic).startsWith("smtp; 550-5.7.1 first line of a policy reply 5.7.1 overlong-diagnostic-word")
                .contains("ZZZZ");
        assertThat(diagnostic.replace(" ", "")).endsWith("Z".repeat(2500));
    }

    @Test
    void boundaryThatOccursInTheReturnedContentIsReplaced() throws Exception {
        Rfc3464DsnWriter scripted = new Rfc3464DsnWriter("relay.example.test", 4096, new Tokens("clash", "fresh", "msgid"));
        String original = "Subject: tricky\r\nX-Trap: --=_rampart_clash\r\n\r\nbody\r\n";
        RecipientStatus r = status(0, "bob@dest.test", "", "550 5.1.1 unknown", "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.HDRS, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        MimeMessage notice = parse(write(scripted, request, original));
        assertThat(new ContentType(notice.getContentType()).getParameter("boundary")).isEqualTo("=_rampart_fresh");
        assertThat(((MimeMultipart) notice.getContent()).getCount()).isEqualTo(3);
        assertThat(new String(((MimeBodyPart) part(notice, 2)).getRawInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("X-Trap: --=_rampart_clash");
    }

    @Test
    void originalWithoutHeaderSectionGivesAnEmptyHeadersPart() throws Exception {
        RecipientStatus r = status(0, "bob@dest.test", "", "550 5.1.1 unknown", "mx1.dest.test");
        DsnRequest request = new DsnRequest(envelope(params("alice@sender.test", Ret.HDRS, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
        MimeMessage notice = compose(request, "\r\nonly a body\r\n");
        assertThat(((MimeBodyPart) part(notice, 2)).getRawInputStream().readAllBytes()).isEmpty();
    }

    // ---- NOTIFY table (QUE-13, QUE-10) ----------------------------------------------------------

    static Stream<Arguments> notifyTable() {
        Set<Notify> none = Set.of();
        return Stream.of(
                // notify, action, delayAlreadySent, nullSender, wanted
                Arguments.of(none, DsnAction.FAILED, false, false, true),
                Arguments.of(none, DsnAction.DELAYED, false, false, true),
                Arguments.of(none, DsnAction.DELAYED, true, false, false),
                Arguments.of(none, DsnAction.DELIVERED, false, false, false),
                Arguments.of(none, DsnAction.RELAYED, false, false, false),
                Arguments.of(Set.of(Notify.NEVER), DsnAction.FAILED, false, false, false),
                Arguments.of(Set.of(Notify.NEVER), DsnAction.DELAYED, false, false, false),
                Arguments.of(Set.of(Notify.SUCCESS), DsnAction.FAILED, false, false, false),
                Arguments.of(Set.of(Notify.SUCCESS), DsnAction.DELIVERED, false, false, true),
                Arguments.of(Set.of(Notify.SUCCESS), DsnAction.RELAYED, false, false, true),
                Arguments.of(Set.of(Notify.FAILURE), DsnAction.FAILED, false, false, true),
                Arguments.of(Set.of(Notify.FAILURE), DsnAction.DELAYED, false, false, false),
                Arguments.of(Set.of(Notify.DELAY), DsnAction.DELAYED, false, false, true),
                Arguments.of(Set.of(Notify.DELAY), DsnAction.DELAYED, true, false, false),
                Arguments.of(Set.of(Notify.DELAY), DsnAction.FAILED, false, false, false),
                Arguments.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY), DsnAction.FAILED, false, false, true),
                Arguments.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY), DsnAction.DELIVERED, false, false, true),
                // QUE-10: never to the null reverse-path, whatever NOTIFY says
                Arguments.of(none, DsnAction.FAILED, false, true, false),
                Arguments.of(Set.of(Notify.FAILURE), DsnAction.FAILED, false, true, false),
                Arguments.of(Set.of(Notify.SUCCESS), DsnAction.DELIVERED, false, true, false));
    }

    @ParameterizedTest(name = "NOTIFY={0} {1} delayNotified={2} nullSender={3} -> {4}")
    @MethodSource("notifyTable")
    void que13_que10_wantedFollowsNotify(Set<Notify> notify, DsnAction action, boolean delayNotified, boolean nullSender,
                                         boolean expected) {
        RecipientStatus r = new RecipientStatus(0, new RecipientSpec("bob@dest.test", "", notify), RecipientState.DEFERRED,
                1, ATTEMPT, "451 4.3.0 later", "mx1.dest.test", delayNotified);
        Envelope env = envelope(params(nullSender ? "" : "alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(r));
        assertThat(writer.wanted(env, r, action)).isEqualTo(expected);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static DsnRequest failed(String rcpt, String reply) {
        RecipientStatus r = status(0, rcpt, "rfc822;Bob@Dest.test", reply, "mx1.dest.test[127.0.0.1]:25");
        return new DsnRequest(envelope(params("alice@sender.test", Ret.UNSPECIFIED, "", false), List.of(r)),
                DsnAction.FAILED, List.of(r), List.of("5.1.1"), NOW, UNTIL);
    }

    private static RecipientStatus status(int index, String address, String orcpt, String diagnostic, String remote) {
        return new RecipientStatus(index, new RecipientSpec(address, orcpt, Set.of()), RecipientState.BOUNCED, 1, ATTEMPT,
                diagnostic, remote, false);
    }

    private static MessageParams params(String sender, Ret ret, String envId, boolean smtpUtf8) {
        return new MessageParams(sender, smtpUtf8 ? BodyType.EIGHT_BIT_MIME : BodyType.SEVEN_BIT, smtpUtf8, envId, ret,
                TlsTag.DEFAULT, "client.test [127.0.0.1]", "");
    }

    private static Envelope envelope(MessageParams params, List<RecipientStatus> recipients) {
        return new Envelope(ID, ARRIVAL, params, recipients);
    }

    private MimeMessage compose(DsnRequest request, String original) throws Exception {
        return parse(write(writer, request, original));
    }

    private static byte[] write(Rfc3464DsnWriter w, DsnRequest request, String original) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(request, new ByteArrayInputStream(original.getBytes(StandardCharsets.UTF_8)), out);
        return out.toByteArray();
    }

    private static MimeMessage parse(byte[] raw) throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.mime.allowutf8", "true");
        return new MimeMessage(Session.getInstance(props), new ByteArrayInputStream(raw));
    }

    private static BodyPart part(MimeMessage notice, int i) throws Exception {
        return ((MimeMultipart) notice.getContent()).getBodyPart(i);
    }

    private static String baseType(BodyPart part) throws Exception {
        return new ContentType(part.getContentType()).getBaseType();
    }

    private static String partText(MimeMessage notice, int i) throws Exception {
        String raw = new String(((MimeBodyPart) part(notice, i)).getRawInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return raw.replace("\r\n", " ").replaceAll(" +", " ");
    }

    /** The field groups of the delivery-status part (RFC 3464 §2.1), parsed as header blocks. */
    private static List<InternetHeaders> statusGroups(MimeMessage notice) throws Exception {
        byte[] raw = ((MimeBodyPart) part(notice, 1)).getRawInputStream().readAllBytes();
        List<InternetHeaders> groups = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(raw);
        while (true) {
            InternetHeaders group = new InternetHeaders(in, true);
            if (!group.getAllHeaders().hasMoreElements()) {
                break;
            }
            groups.add(group);
        }
        return groups;
    }

    /** A scripted token source, so a test can force a boundary clash. */
    private static final class Tokens implements java.util.function.Supplier<String> {
        private final Deque<String> queue;

        Tokens(String... tokens) {
            this.queue = new ArrayDeque<>(List.of(tokens));
        }

        @Override
        public String get() {
            return queue.isEmpty() ? "fallback" + System.nanoTime() : queue.removeFirst();
        }
    }
}
