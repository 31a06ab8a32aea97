package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DANE cases of RFC 7672 end to end (issue acceptance 1), shared by the relay's two DNSSEC modes: each
 * subclass says how the relay resolves ({@link #configure}) and the cases stay the same. One
 * {@link DaneWorld} and one relay per class; each case has its own recipient domain and a unique Subject,
 * and each test checks both the relay's delivery log line ({@code status}, {@code tls}, {@code policy},
 * {@code dsn}, the reason) and the receiver's side (the message is there, or is not and never reached
 * Postfix's cleanup). Deferred messages stay queued: the retry interval is 10 minutes.
 *
 * <p>Contract with the relay (its delivery log line): a DANE delivery logs {@code policy=dane} and
 * {@code tls=dane-ee|dane-ta}; a DANE failure logs {@code status=deferred dsn=4.7.5} with a reason naming
 * the cause; all-unusable TLSA logs {@code tls=unauthenticated policy=dane}; a signed zone without TLSA
 * logs {@code policy=none}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DaneCases {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String SENDER = "alice@sender.test";

    DaneWorld world;
    RampartProcess relay;
    Path dir;

    /** The relay's resolution settings for this mode (dns.servers, dns.dnssec, dns.trust-anchors). */
    abstract RampartProcess.Builder configure(RampartProcess.Builder relay, DaneWorld world) throws Exception;

    /** Short name of the mode, part of each message's Subject. */
    abstract String mode();

    /** What the deferral reason of a bogus TLSA RRset must show in this mode. */
    abstract Pattern bogusReason();

    @BeforeAll
    void startWorld(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        world = DaneWorld.start(dir.resolve("world"));
        relay = configure(RampartProcess.builder(dir.resolve("relay")).retrySchedule("10m"), world).start();
    }

    @AfterAll
    void stopWorld() throws Exception {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            if (world != null) {
                world.close();
            }
        }
    }

    @Test
    void dane10_daneEeMatchDelivers() throws Exception {
        delivered(DaneWorld.Case.EE, "dane-ee", "dane");
    }

    @Test
    void dane11_daneTaMatchDelivers() throws Exception {
        delivered(DaneWorld.Case.TA, "dane-ta", "dane");
    }

    @Test
    void dane07_tlsaMismatchStaysQueued() throws Exception {
        DeliveryLogLine line = staysQueued(DaneWorld.Case.MISMATCH);
        assertThat(line.dsn()).as(line.raw()).isEqualTo("4.7.5");
        assertThat(line.reply()).as(line.raw()).contains("TLSA");
    }

    @Test
    void dane07_starttlsNotOfferedStaysQueuedAndTheReceiverSeesNoMail() throws Exception {
        DeliveryLogLine line = staysQueued(DaneWorld.Case.NO_STARTTLS);
        assertThat(line.dsn()).as(line.raw()).isEqualTo("4.7.5");
        assertThat(line.reply()).as(line.raw()).containsIgnoringCase("STARTTLS");
        noMailCommandEverReached(world.receiver(DaneWorld.Case.NO_STARTTLS));
    }

    @Test
    void dane05_bogusTlsaSignatureStaysQueued() throws Exception {
        DeliveryLogLine line = staysQueued(DaneWorld.Case.BOGUS);
        assertThat(line.dsn()).as(line.raw()).startsWith("4.");
        assertThat(line.reply()).as(line.raw()).containsPattern(bogusReason());
    }

    @Test
    void dane08_allUnusableTlsaDeliversOverUnauthenticatedTls() throws Exception {
        delivered(DaneWorld.Case.UNUSABLE, "unauthenticated", "dane");
    }

    @Test
    void dane08_allUnusableTlsaWithoutStarttlsStaysQueuedNeverCleartext() throws Exception {
        DeliveryLogLine line = staysQueued(DaneWorld.Case.UNUSABLE_NO_STARTTLS);
        assertThat(line.dsn()).as(line.raw()).startsWith("4.");
        assertThat(line.reply()).as(line.raw()).containsIgnoringCase("STARTTLS");
        noMailCommandEverReached(world.receiver(DaneWorld.Case.UNUSABLE_NO_STARTTLS));
    }

    @Test
    void dane09_signedZoneWithoutTlsaDeliversOpportunistically() throws Exception {
        delivered(DaneWorld.Case.NO_TLSA, "unauthenticated", "none");
    }

    @Test
    void dane07_failingPrimaryMxWithAPassingBackupDeliversViaTheBackup() throws Exception {
        String tag = tag(DaneWorld.Case.BACKUP);
        delivered(DaneWorld.Case.BACKUP, "dane-ee", "dane");
        PostfixReceiver primary = world.receiver(DaneWorld.PRIMARY_OF_BACKUP);
        assertThat(primary.messagesFor(DaneWorld.Case.BACKUP.recipient())).isEmpty();
        assertThat(primary.maillog()).noneMatch(l -> l.contains(messageIdLine(tag)));
    }

    /** Submits the case's message, then checks the sent line and the arrival over TLS at the right host. */
    private void delivered(DaneWorld.Case c, String tls, String policy) throws Exception {
        String tag = tag(c);
        String queueId = submit(c.recipient(), tag);
        DeliveryLogLine line = relay.awaitDelivery("sent to " + c.recipient(), l -> l.queueId().equals(queueId)
                && l.rcpt().equals(c.recipient()) && l.status().equals("sent"), WAIT);
        PostfixReceiver receiver = world.receiver(c);
        assertThat(line.relay()).as(line.raw())
                .isEqualTo(c.deliveringHost() + "[" + receiver.address().getHostAddress() + "]:25");
        assertThat(line.tls()).as(line.raw()).isEqualTo(tls);
        assertThat(line.policy()).as(line.raw()).isEqualTo(policy);
        assertThat(line.dsn()).as(line.raw()).startsWith("2.");

        MaildirMessage got = receiver.awaitMessage(c.recipient(), m -> m.header("Subject").orElse("").equals(tag), WAIT);
        assertThat(got.headers("Received").get(0)).contains("by " + receiver.hostname()).contains("(using TLS");
    }

    /**
     * Submits the case's message, waits for the first attempt's line, and checks it deferred, the message is
     * still queued with the recipient deferred, and the receiver never got it (not even as far as cleanup).
     */
    private DeliveryLogLine staysQueued(DaneWorld.Case c) throws Exception {
        String tag = tag(c);
        String queueId = submit(c.recipient(), tag);
        DeliveryLogLine line = relay.awaitDelivery("the attempt for " + c.recipient(),
                l -> l.queueId().equals(queueId) && l.rcpt().equals(c.recipient()), WAIT);
        assertThat(line.status()).as(line.raw()).isEqualTo("deferred");

        JsonNode entry = Await.until("the message to be listed as deferred", WAIT, () -> relay.queued(queueId)
                .filter(m -> m.path("recipients").path(0).path("state").asText().equals("deferred")), relay::diagnostics);
        assertThat(entry.path("recipients").path(0).path("address").asText()).isEqualTo(c.recipient());

        PostfixReceiver receiver = world.receiver(c);
        assertThat(receiver.messagesFor(c.recipient())).isEmpty();
        assertThat(receiver.maillog()).noneMatch(l -> l.contains(messageIdLine(tag)));
        assertThat(relay.deliveryLog()).noneMatch(l -> l.queueId().equals(queueId) && l.status().equals("sent"));
        return line;
    }

    /**
     * The receiver without STARTTLS was contacted (smtpd logged a disconnect) but never saw a MAIL command:
     * smtpd's per-session command counts ("disconnect from ... ehlo=1 quit=1") hold no {@code mail=}, and no
     * {@code from=<} line exists.
     */
    private void noMailCommandEverReached(PostfixReceiver receiver) throws Exception {
        Await.untilTrue("the relay's session with " + receiver.hostname() + " to end", WAIT,
                () -> receiver.maillog().stream().anyMatch(l -> l.contains("disconnect from")), receiver::diagnostics);
        List<String> log = receiver.maillog();
        assertThat(log).as("maillog of %s", receiver.hostname())
                .noneMatch(l -> l.contains("disconnect from") && l.contains(" mail="))
                .noneMatch(l -> l.contains("from=<"));
    }

    private String tag(DaneWorld.Case c) {
        return "dane-" + mode() + "-" + c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String messageIdLine(String tag) {
        return "message-id=<" + tag + "@e2e.rampart.test>";
    }

    /**
     * Issue acceptance 3, for a relay whose DNSSEC validation cannot work: {@code /readyz} fails and says
     * why, a {@code rampart_} metric about DNSSEC exists, and a message to a DANE domain (EE) is not
     * delivered (deferred, never at the receiver), because "validation broken" must never read as "no DANE".
     */
    void assertValidationFailureIsVisibleAndSafe(RampartProcess.Builder config, String tag) throws Exception {
        try (RampartProcess broken = config.retrySchedule("10m").start()) {
            HttpResponse<String> ready = Await.until("/readyz to fail", WAIT, () -> {
                HttpResponse<String> r = broken.adminGet("/readyz");
                return r.statusCode() == 200 ? Optional.empty() : Optional.of(r);
            }, broken::diagnostics);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).as("the reason /readyz gives").containsIgnoringCase("dnssec");

            HttpResponse<String> metrics = broken.adminGet("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body().lines().filter(l -> !l.startsWith("#")))
                    .as("a rampart_ metric about DNSSEC validation")
                    .anyMatch(l -> l.startsWith("rampart_") && l.toLowerCase(java.util.Locale.ROOT).contains("dnssec"));

            DaneWorld.Case c = DaneWorld.Case.EE;
            String queueId = submit(broken, c.recipient(), tag);
            DeliveryLogLine line = broken.awaitDelivery("the attempt for " + c.recipient(),
                    l -> l.queueId().equals(queueId) && l.rcpt().equals(c.recipient()), WAIT);
            assertThat(line.status()).as(line.raw()).isEqualTo("deferred");
            assertThat(line.dsn()).as(line.raw()).startsWith("4.");
            PostfixReceiver receiver = world.receiver(c);
            assertThat(receiver.messagesFor(c.recipient())).noneMatch(m -> m.header("Subject").orElse("").equals(tag));
            assertThat(receiver.maillog()).noneMatch(l -> l.contains(messageIdLine(tag)));
        }
    }

    /** Submits one message from {@link #SENDER}; returns its queue id from the 250 reply. */
    String submit(String to, String tag) throws Exception {
        return submit(relay, to, tag);
    }

    static String submit(RampartProcess relay, String to, String tag) throws Exception {
        try (SmtpSubmitter smtp = SmtpSubmitter.connect(relay.smtp(), Duration.ofSeconds(30))) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            assertThat(smtp.ehlo("client.e2e.test").code()).isEqualTo(250);
            SmtpSubmitter.Outcome outcome = smtp.send(SENDER, List.of(to), TestMail.message(SENDER, List.of(to), tag));
            assertThat(outcome.accepted()).as("submission of %s: %s", tag, outcome).isTrue();
            smtp.quit();
            return TestMail.queueId(outcome.reply())
                    .orElseThrow(() -> new AssertionError("no queue id in " + outcome.reply().text()));
        }
    }
}
