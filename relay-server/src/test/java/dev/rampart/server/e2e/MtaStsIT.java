package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS end to end with real parts (issue 4, "Tests that must exist" and acceptance 1 and 3): the relay
 * process, NSD serving the signed {@code _mta-sts} records, nginx serving the policies over HTTPS with
 * certificates from a test CA, Postfix receivers; the relay validates DNSSEC with the test TLD's anchor and
 * trusts the test CA through {@code tls.trust-store}. One {@link StsWorld} and one relay for the class; each
 * case has its own recipient domain and a unique Subject, and each test checks the relay's delivery log line
 * ({@code status}, {@code policy}, {@code tls}, {@code dsn}) and the receiver's side (the message arrived
 * over TLS, or it is absent and, where the receiver serves no delivering case, no MAIL command ever reached
 * it). Deferred messages stay queued: the retry interval is 10 minutes.
 *
 * <p>The restart test stops nginx and the relay, so it runs after the others ({@link Order}); it brings
 * nginx back before it ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MtaStsIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String SENDER = "alice@sender.test";
    /** After every test of the default order (Order.DEFAULT). */
    private static final int LATE = Integer.MAX_VALUE - 10;

    private StsWorld world;
    private RampartProcess relay;
    private Path dir;

    @BeforeAll
    void startWorld(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        world = StsWorld.start(dir.resolve("world"));
        relay = world.relay(dir.resolve("relay")).start();
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
    void sts18_enforceWithAValidCertificateDeliversOverPkix() throws Exception {
        delivered(relay, StsWorld.Case.ENFORCE, "rcpt", "pkix", "mta-sts");
    }

    @Test
    void sts19_enforceWithAnUntrustedCertificateStaysQueued() throws Exception {
        StsWorld.Case c = StsWorld.Case.UNTRUSTED;
        long sessionsBefore = sessionsEnded(world.receiver(c));
        DeliveryLogLine line = staysQueued(c);
        assertThat(line.dsn()).as(line.raw()).isEqualTo("4.7.5");
        assertThat(line.policy()).as(line.raw()).isEqualTo("mta-sts");
        noMailCommandEverReached(world.receiver(c), sessionsBefore);
    }

    @Test
    void sts19_enforceWithTheMxHostNotListedStaysQueuedAndTheHostIsNotContacted() throws Exception {
        StsWorld.Case c = StsWorld.Case.NOT_LISTED;
        long connectsBefore = connects(world.receiver(c));
        DeliveryLogLine line = staysQueued(c);
        assertThat(line.dsn()).as(line.raw()).startsWith("4.");
        assertThat(line.policy()).as(line.raw()).isEqualTo("mta-sts");
        assertThat(line.reply()).as(line.raw()).contains(c.mxHost()).containsIgnoringCase("MTA-STS");
        // Row 11: the host is not contacted at all; its receiver serves only this case and saw no new client.
        assertThat(connects(world.receiver(c))).as("%s", world.receiver(c).diagnostics()).isEqualTo(connectsBefore);
    }

    @Test
    void sts17_wildcardPatternCoversTheMxHostAndDelivers() throws Exception {
        delivered(relay, StsWorld.Case.WILDCARD, "rcpt", "pkix", "mta-sts");
    }

    @Test
    void sts20_testingModeWithABadCertificateDelivers() throws Exception {
        StsWorld.Case c = StsWorld.Case.TESTING;
        delivered(relay, c, "rcpt", "unauthenticated", "mta-sts");
        assertThat(world.nginx().policyRequests(c.domain())).as("the testing policy was fetched").contains(200);
    }

    @Test
    void sts19_enforceWithoutStarttlsStaysQueuedNeverCleartext() throws Exception {
        StsWorld.Case c = StsWorld.Case.NO_STARTTLS;
        long sessionsBefore = sessionsEnded(world.receiver(c));
        DeliveryLogLine line = staysQueued(c);
        assertThat(line.dsn()).as(line.raw()).isEqualTo("4.7.5");
        assertThat(line.reply()).as(line.raw()).containsIgnoringCase("STARTTLS");
        noMailCommandEverReached(world.receiver(c), sessionsBefore);
    }

    @Test
    void row18_txtRecordButPolicy404DeliversOpportunistically() throws Exception {
        delivered(relay, StsWorld.Case.NOT_FOUND, "rcpt", "unauthenticated", "none");
        assertThat(world.nginx().policyRequests(StsWorld.Case.NOT_FOUND.domain())).as("the relay asked for the policy")
                .contains(404);
    }

    @Test
    void pol03_daneValidAndStsEnforceDeliversByDane() throws Exception {
        delivered(relay, StsWorld.Case.DANE_AND_STS, "rcpt", "dane-ee", "dane");
    }

    @Test
    void pol02_daneFailingIsNotRescuedByAValidStsPolicy() throws Exception {
        StsWorld.Case c = StsWorld.Case.DANE_FAILS;
        DeliveryLogLine line = staysQueued(c);
        assertThat(line.dsn()).as(line.raw()).isEqualTo("4.7.5");
        assertThat(line.policy()).as(line.raw()).isEqualTo("dane");
        assertThat(line.reply()).as(line.raw()).contains("TLSA");
    }

    /**
     * Acceptance 3: with the policy server gone and the relay restarted, a cached {@code enforce} policy
     * still decides: the valid domain is delivered under {@code policy=mta-sts} over PKIX (not as
     * {@code policy=none}), and the domain whose MX fails PKIX stays queued, as before the restart.
     */
    @Test
    @Order(LATE)
    void sts15_cachedEnforcePolicyStillAppliesAfterARestartWithThePolicyServerDown() throws Exception {
        delivered(relay, StsWorld.Case.CACHED, "before", "pkix", "mta-sts");
        DeliveryLogLine blocked = staysQueued(StsWorld.Case.CACHED_BLOCKED, "before");
        assertThat(blocked.dsn()).as(blocked.raw()).isEqualTo("4.7.5");
        assertThat(world.nginx().policyRequests(StsWorld.Case.CACHED.domain())).contains(200);
        assertThat(world.nginx().policyRequests(StsWorld.Case.CACHED_BLOCKED.domain())).contains(200);

        world.nginx().stop();
        try {
            // SIGTERM: the JVM runs its shutdown hooks and exits with 143 (128 + 15), as any Java service does.
            assertThat(relay.stop()).as("relay exit code after SIGTERM").isIn(0, 143);
            relay.restart();
            long sessionsBefore = sessionsEnded(world.receiver(StsWorld.Case.CACHED_BLOCKED));
            DeliveryLogLine after = delivered(relay, StsWorld.Case.CACHED, "after", "pkix", "mta-sts");
            assertThat(after.policy()).as("still MTA-STS, not opportunistic: %s", after.raw()).isEqualTo("mta-sts");
            DeliveryLogLine stillBlocked = staysQueued(StsWorld.Case.CACHED_BLOCKED, "after");
            assertThat(stillBlocked.dsn()).as(stillBlocked.raw()).isEqualTo("4.7.5");
            assertThat(stillBlocked.policy()).as(stillBlocked.raw()).isEqualTo("mta-sts");
            noMailCommandEverReached(world.receiver(StsWorld.Case.CACHED_BLOCKED), sessionsBefore);
        } finally {
            world.nginx().start();
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /**
     * Submits a message to {@code who@<domain>} through {@code via}, then checks its sent line ({@code tls},
     * {@code policy}, relay host and address) and its arrival over TLS (unless plaintext is expected) at the
     * case's receiver.
     */
    DeliveryLogLine delivered(RampartProcess via, StsWorld.Case c, String who, String tls, String policy)
            throws Exception {
        String rcpt = c.recipient(who);
        String tag = tag(c, who);
        String queueId = submit(via, rcpt, tag);
        DeliveryLogLine line = via.awaitDelivery("sent to " + rcpt, l -> l.queueId().equals(queueId)
                && l.rcpt().equals(rcpt) && l.status().equals("sent"), WAIT);
        PostfixReceiver receiver = world.receiver(c);
        assertThat(line.relay()).as(line.raw()).isEqualTo(c.mxHost() + "[" + receiver.address().getHostAddress() + "]:25");
        assertThat(line.tls()).as(line.raw()).isEqualTo(tls);
        assertThat(line.policy()).as(line.raw()).isEqualTo(policy);
        assertThat(line.dsn()).as(line.raw()).startsWith("2.");
        MaildirMessage got = receiver.awaitMessage(rcpt, m -> m.header("Subject").orElse("").equals(tag), WAIT);
        String received = got.headers("Received").get(0);
        assertThat(received).contains("by " + receiver.hostname());
        if (!tls.equals("none")) {
            assertThat(received).contains("(using TLS");
        }
        return line;
    }

    private DeliveryLogLine staysQueued(StsWorld.Case c) throws Exception {
        return staysQueued(c, "rcpt");
    }

    /**
     * Submits a message to {@code who@<domain>}, waits for the first attempt's line, and checks it deferred,
     * the message is listed with the recipient deferred, and the receiver never got it (not even as far as
     * cleanup).
     */
    private DeliveryLogLine staysQueued(StsWorld.Case c, String who) throws Exception {
        String rcpt = c.recipient(who);
        String tag = tag(c, who);
        String queueId = submit(relay, rcpt, tag);
        DeliveryLogLine line = relay.awaitDelivery("the attempt for " + rcpt,
                l -> l.queueId().equals(queueId) && l.rcpt().equals(rcpt), WAIT);
        assertThat(line.status()).as(line.raw()).isEqualTo("deferred");
        JsonNode entry = Await.until("the message to be listed as deferred", WAIT, () -> relay.queued(queueId)
                .filter(m -> m.path("recipients").path(0).path("state").asText().equals("deferred")), relay::diagnostics);
        assertThat(entry.path("recipients").path(0).path("address").asText()).isEqualTo(rcpt);
        PostfixReceiver receiver = world.receiver(c);
        assertThat(receiver.messagesFor(rcpt)).isEmpty();
        assertThat(receiver.maillog()).noneMatch(l -> l.contains(messageIdLine(tag)));
        assertThat(relay.deliveryLog()).noneMatch(l -> l.queueId().equals(queueId) && l.status().equals("sent"));
        return line;
    }

    /** How many SMTP sessions the receiver's smtpd has logged as ended ("disconnect from"). */
    static long sessionsEnded(PostfixReceiver receiver) throws Exception {
        return receiver.maillog().stream().filter(l -> l.contains("disconnect from")).count();
    }

    /** How many SMTP clients the receiver's smtpd has logged ("connect from", the fixture's own probe included). */
    static long connects(PostfixReceiver receiver) throws Exception {
        return receiver.maillog().stream().filter(l -> l.contains(" connect from ")).count();
    }

    /**
     * The receiver was contacted (one more session ended than {@code sessionsBefore}) but never saw a MAIL
     * command: no session's command counts hold {@code mail=}, and no message was ever picked up
     * ({@code from=<}). Only for receivers that serve no delivering case.
     */
    static void noMailCommandEverReached(PostfixReceiver receiver, long sessionsBefore) throws Exception {
        Await.untilTrue("the relay's session with " + receiver.hostname() + " to end", WAIT,
                () -> sessionsEnded(receiver) > sessionsBefore, receiver::diagnostics);
        assertThat(receiver.maillog()).as("maillog of %s", receiver.hostname())
                .noneMatch(l -> l.contains("disconnect from") && l.contains(" mail="))
                .noneMatch(l -> l.contains("from=<"));
    }

    static String tag(StsWorld.Case c, String who) {
        return "sts-" + who + "-" + c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String messageIdLine(String tag) {
        return "message-id=<" + tag + "@e2e.rampart.test>";
    }

    static String submit(RampartProcess relay, String to, String tag) throws Exception {
        return DaneCases.submit(relay, to, tag);
    }
}
