package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay delivering to real Postfix MX hosts found through a real NSD, end to end: submit over SMTP,
 * read the Maildir and the Postfix log, read the relay's delivery log and admin API.
 *
 * <p>World: sender.test (mx.sender.test, STARTTLS; receives the notices), tls.test (mx.tls.test, STARTTLS,
 * rejects refused@tls.test), plain.test (mx.plain.test, no STARTTLS), nullmx.test (null MX), late.test
 * (mx.late.test at an address where nothing listens until a test starts a receiver there), slow.test
 * (mx.slow.test, where nothing ever listens). Delay notices are due 3 s after arrival.
 */
class DeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SENDER = "alice@sender.test";

    @TempDir
    static Path dir;

    private static NsdServer nsd;
    private static PostfixReceiver senderMx;
    private static PostfixReceiver tlsMx;
    private static PostfixReceiver plainMx;
    private static InetAddress lateAddress;
    private static RampartProcess relay;

    @BeforeAll
    static void world() throws Exception {
        senderMx = PostfixReceiver.builder("mx.sender.test").domains("sender.test").start(dir.resolve("mx-sender"));
        tlsMx = PostfixReceiver.builder("mx.tls.test").domains("tls.test")
                .reject("refused@tls.test", "no such mailbox here").start(dir.resolve("mx-tls"));
        plainMx = PostfixReceiver.builder("mx.plain.test").domains("plain.test").starttls(false)
                .start(dir.resolve("mx-plain"));
        lateAddress = HostTools.freeLoopback(25, false);
        TestZones zones = new TestZones()
                .mx("sender.test", 10, "mx.sender.test").a("mx.sender.test", senderMx.address())
                .mx("tls.test", 10, "mx.tls.test").a("mx.tls.test", tlsMx.address())
                .mx("plain.test", 10, "mx.plain.test").a("mx.plain.test", plainMx.address())
                .nullMx("nullmx.test")
                .mx("late.test", 10, "mx.late.test").a("mx.late.test", lateAddress)
                .mx("slow.test", 10, "mx.slow.test").a("mx.slow.test", HostTools.freeLoopback(25, false));
        nsd = NsdServer.start(zones, dir.resolve("nsd"));
        // A long retry interval: a deferred message comes back only when a test flushes the queue.
        relay = RampartProcess.builder(dir.resolve("relay")).dns(nsd).retrySchedule("10m").delayWarning("3s").start();
    }

    @AfterAll
    static void stopWorld() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {relay, nsd, senderMx, tlsMx, plainMx}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void starttlsOfferedMeansTheMessageTravelsEncrypted() throws Exception {
        String queueId = submit(List.of("bob@tls.test"), "tls-delivery");
        MaildirMessage got = tlsMx.awaitMessage("bob@tls.test", m -> m.header("Subject").orElse("").equals("tls-delivery"), WAIT);
        assertThat(got.headers("Received").get(0)).contains("by mx.tls.test").contains("(using TLS");

        DeliveryLogLine line = relay.awaitDelivery("sent to bob@tls.test",
                l -> l.queueId().equals(queueId) && l.rcpt().equals("bob@tls.test") && l.status().equals("sent"), WAIT);
        assertThat(line.tls()).isEqualTo("unauthenticated");
        assertThat(line.relay()).isEqualTo("mx.tls.test[" + tlsMx.address().getHostAddress() + "]:25");
        assertThat(line.dsn()).startsWith("2.");
        // The body arrived intact, dot-stuffing undone at each hop (SUB-07).
        assertThat(got.body()).contains("Test message tls-delivery.").contains("\n.a line that starts with a dot");
    }

    @Test
    void noStarttlsMeansCleartextDeliveryAndTheLogSaysSo() throws Exception {
        String queueId = submit(List.of("carol@plain.test"), "plain-delivery");
        MaildirMessage got = plainMx.awaitMessage("carol@plain.test",
                m -> m.header("Subject").orElse("").equals("plain-delivery"), WAIT);
        assertThat(got.headers("Received").get(0)).contains("by mx.plain.test").doesNotContain("using TLS");
        DeliveryLogLine line = relay.awaitDelivery("sent to carol@plain.test",
                l -> l.queueId().equals(queueId) && l.status().equals("sent"), WAIT);
        assertThat(line.tls()).isEqualTo("none");
    }

    @Test
    void mx07_que10_nullMxBouncesAtOnceWith5110AndTheNoticeReachesTheSender() throws Exception {
        String queueId = submit(List.of("dave@nullmx.test"), "null-mx");
        DeliveryLogLine line = relay.awaitDelivery("bounce of dave@nullmx.test",
                l -> l.queueId().equals(queueId) && l.rcpt().equals("dave@nullmx.test"), WAIT);
        assertThat(line.status()).isEqualTo("bounced");
        assertThat(line.dsn()).isEqualTo("5.1.10");

        MaildirMessage notice = senderMx.awaitMessage(SENDER, m -> m.text().contains("dave@nullmx.test"), WAIT);
        assertThat(notice.header("Return-Path")).hasValue("<>"); // QUE-10: notices are sent with MAIL FROM:<>
        MimeMessage dsn = TestMail.parse(notice);
        assertThat(new ContentType(dsn.getContentType()).getParameter("report-type")).isEqualTo("delivery-status");
        List<InternetHeaders> groups = TestMail.statusGroups(dsn);
        assertThat(groups.get(0).getHeader("Reporting-MTA", null)).isEqualTo("dns; " + RampartProcess.HOSTNAME);
        InternetHeaders rcpt = groups.get(1);
        assertThat(rcpt.getHeader("Final-Recipient", null)).isEqualTo("rfc822; dave@nullmx.test");
        assertThat(rcpt.getHeader("Action", null)).isEqualTo("failed");
        assertThat(rcpt.getHeader("Status", null)).isEqualTo("5.1.10");
        // Headers only by default (RET absent): the original's Subject comes back, its body does not.
        assertThat(notice.text()).contains("Subject: null-mx").doesNotContain("Test message null-mx.");
    }

    @Test
    void que06_que10_rcptRejectionBouncesWithTheRemoteReplyInTheNotice() throws Exception {
        String queueId = submit(List.of("refused@tls.test"), "rcpt-rejected");
        DeliveryLogLine line = relay.awaitDelivery("bounce of refused@tls.test",
                l -> l.queueId().equals(queueId) && l.rcpt().equals("refused@tls.test"), WAIT);
        assertThat(line.status()).isEqualTo("bounced");
        assertThat(line.dsn()).isEqualTo("5.1.1");
        assertThat(line.reply()).contains("550").contains("no such mailbox here");

        MaildirMessage notice = senderMx.awaitMessage(SENDER, m -> m.text().contains("refused@tls.test"), WAIT);
        InternetHeaders rcpt = TestMail.statusGroups(TestMail.parse(notice)).get(1);
        assertThat(rcpt.getHeader("Final-Recipient", null)).isEqualTo("rfc822; refused@tls.test");
        assertThat(rcpt.getHeader("Action", null)).isEqualTo("failed");
        assertThat(rcpt.getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(rcpt.getHeader("Remote-MTA", null)).isEqualTo("dns; mx.tls.test");
        assertThat(jakarta.mail.internet.MimeUtility.unfold(rcpt.getHeader("Diagnostic-Code", null)))
                .startsWith("smtp; 550 5.1.1").contains("no such mailbox here");
        assertThat(tlsMx.messagesFor("refused@tls.test")).isEmpty();
    }

    @Test
    void que05_threeRecipientsOfOneDomainArriveInOneTransaction() throws Exception {
        List<String> rcpts = List.of("r1@tls.test", "r2@tls.test", "r3@tls.test");
        submit(rcpts, "one-transaction");
        for (String r : rcpts) {
            tlsMx.awaitMessage(r, m -> m.header("Subject").orElse("").equals("one-transaction"), WAIT);
        }
        // Postfix logs "QID: message-id=<...>" at cleanup and "QID: from=<...>, size=N, nrcpt=3" at qmgr.
        List<String> log = tlsMx.maillog();
        String postfixQueueId = log.stream().filter(l -> l.contains("message-id=<one-transaction@e2e.rampart.test>"))
                .map(l -> l.replaceAll(".*\\]: ([0-9A-F]+): message-id=.*", "$1")).findFirst()
                .orElseThrow(() -> new AssertionError("no cleanup line for the message\n" + tlsMx.diagnostics()));
        Pattern oneTransaction = Pattern.compile(".*" + postfixQueueId + ": from=<" + Pattern.quote(SENDER)
                + ">, size=\\d+, nrcpt=3 .*");
        assertThat(log).as("one transaction with three recipients").filteredOn(l -> oneTransaction.matcher(l).matches())
                .hasSize(1);
        assertThat(log).filteredOn(l -> l.contains("message-id=<one-transaction@e2e.rampart.test>")).hasSize(1);
    }

    @Test
    void que09_unreachableMxDefersAndAFlushDeliversOnceTheHostIsUp() throws Exception {
        String queueId = submit(List.of("erin@late.test"), "late-host");
        DeliveryLogLine deferred = relay.awaitDelivery("deferral of erin@late.test",
                l -> l.queueId().equals(queueId) && l.rcpt().equals("erin@late.test"), WAIT);
        assertThat(deferred.status()).isEqualTo("deferred");
        assertThat(deferred.dsn()).startsWith("4.");

        JsonNode entry = Await.until("the message to be listed as deferred", WAIT, () -> relay.queued(queueId)
                .filter(m -> m.path("recipients").path(0).path("state").asText().equals("deferred")), relay::diagnostics);
        assertThat(entry.path("sender").asText()).isEqualTo(SENDER);
        assertThat(entry.path("recipients").path(0).path("address").asText()).isEqualTo("erin@late.test");
        assertThat(entry.path("recipients").path(0).path("attempts").asInt()).isGreaterThanOrEqualTo(1);

        // The CLI shows the same listing as JSON.
        Tools.Result list = relay.cli("queue", "list", "--json");
        assertThat(list.exitCode()).as(list.output()).isZero();
        JsonNode listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.stdout());
        assertThat(listed.path("messages").findValuesAsText("id")).contains(queueId);

        // A clean stop and start keeps the deferred message (QUE-02): it is still there, still deferred.
        relay.stop();
        relay.restart();
        assertThat(relay.queued(queueId)).as("deferred message after restart").isPresent();

        try (PostfixReceiver lateMx = PostfixReceiver.builder("mx.late.test").domains("late.test").address(lateAddress)
                .start(dir.resolve("mx-late"))) {
            Tools.Result flush = relay.cli("queue", "flush");
            assertThat(flush.exitCode()).as(flush.output()).isZero();
            lateMx.awaitMessage("erin@late.test", m -> m.header("Subject").orElse("").equals("late-host"), WAIT);
            relay.awaitDelivery("delivery of erin@late.test after the flush",
                    l -> l.queueId().equals(queueId) && l.rcpt().equals("erin@late.test") && l.status().equals("sent"), WAIT);
            Await.untilTrue("the delivered message to leave the queue", WAIT, () -> relay.queued(queueId).isEmpty(),
                    relay::diagnostics);
        }
    }

    @Test
    void que13_aRecipientDeferredPastTheDelayWarningGetsOneDelayNotice() throws Exception {
        String queueId = submit(List.of("frank@slow.test"), "slow-host");
        relay.awaitDelivery("deferral of frank@slow.test",
                l -> l.queueId().equals(queueId) && l.rcpt().equals("frank@slow.test") && l.status().equals("deferred"), WAIT);
        // Retries happen only on flush (10 min schedule); flush until an attempt falls after the 3 s warning time.
        MaildirMessage notice = Await.until("a delay notice about frank@slow.test", WAIT, () -> {
            Tools.Result flush = relay.cli("queue", "flush");
            if (flush.exitCode() != 0) {
                throw new Await.Abort("queue flush failed: " + flush.output());
            }
            return senderMx.messagesFor(SENDER).stream().filter(m -> m.text().contains("frank@slow.test")).findFirst();
        }, relay::diagnostics);
        MimeMessage dsn = TestMail.parse(notice);
        assertThat(dsn.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        InternetHeaders rcpt = TestMail.statusGroups(dsn).get(1);
        assertThat(rcpt.getHeader("Final-Recipient", null)).isEqualTo("rfc822; frank@slow.test");
        assertThat(rcpt.getHeader("Action", null)).isEqualTo("delayed");
        assertThat(rcpt.getHeader("Status", null)).startsWith("4.");
        assertThat(rcpt.getHeader("Will-Retry-Until")).isNotNull();

        // One delay notice only (QUE-13 [D]): another retry round adds no second one.
        relay.cli("queue", "flush");
        relay.awaitDelivery("a second deferral of frank@slow.test", l -> l.queueId().equals(queueId)
                && l.rcpt().equals("frank@slow.test") && Integer.parseInt(l.get("attempts")) >= 3, WAIT);
        // Notices are queued before the attempt is logged; once none is left in the queue, all have arrived.
        Await.untilTrue("every queued notice (sender <>) to be delivered", WAIT, () -> {
            for (JsonNode m : relay.queue().path("messages")) {
                String sender = m.path("sender").asText();
                if (sender.isEmpty() || sender.equals("<>")) {
                    return false;
                }
            }
            return true;
        }, relay::diagnostics);
        assertThat(senderMx.messagesFor(SENDER)).filteredOn(m -> m.text().contains("frank@slow.test")
                && m.text().contains("Action: delayed")).hasSize(1);
    }

    /** Submits one message from {@link #SENDER}; returns its queue id from the 250 reply. */
    private static String submit(List<String> to, String tag) throws Exception {
        try (SmtpSubmitter smtp = SmtpSubmitter.connect(relay.smtp(), Duration.ofSeconds(30))) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            assertThat(smtp.ehlo("client.e2e.test").code()).isEqualTo(250);
            SmtpSubmitter.Outcome outcome = smtp.send(SENDER, to, TestMail.message(SENDER, to, tag));
            assertThat(outcome.accepted()).as("submission of %s: %s", tag, outcome).isTrue();
            smtp.quit();
            return TestMail.queueId(outcome.reply())
                    .orElseThrow(() -> new AssertionError("no queue id in " + outcome.reply().text()));
        }
    }
}
