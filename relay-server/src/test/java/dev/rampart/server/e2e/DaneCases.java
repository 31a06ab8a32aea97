package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
        long sessionsBefore = sessionsEnded(world.receiver(DaneWorld.Case.NO_STARTTLS));
        DeliveryLogLine line = staysQueued(DaneWorld.Case.NO_STARTTLS);
        assertThat(line.dsn()).as(line.raw()).isEqualTo("4.7.5");
        assertThat(line.reply()).as(line.raw()).containsIgnoringCase("STARTTLS");
        noMailCommandEverReached(world.receiver(DaneWorld.Case.NO_STARTTLS), sessionsBefore);
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
        long sessionsBefore = sessionsEnded(world.receiver(DaneWorld.Case.UNUSABLE_NO_STARTTLS));
        DeliveryLogLine line = staysQueued(DaneWorld.Case.UNUSABLE_NO_STARTTLS);
        assertThat(line.dsn()).as(line.raw()).startsWith("4.");
        assertThat(line.reply()).as(line.raw()).containsIgnoringCase("STARTTLS");
        noMailCommandEverReached(world.receiver(DaneWorld.Case.UNUSABLE_NO_STARTTLS), sessionsBefore);
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

    // Issue 3, acceptance 2: `rampart policy explain DOMAIN --json [--probe]` against the running relay
    // gives the right decision for each case. The probe opens EHLO/STARTTLS sessions at the receivers but
    // never sends MAIL, so it leaves no evidence that the delivery tests above look for.

    @Test
    void dane10_explainEe() throws Exception {
        JsonNode host = onlyHost(explained(DaneWorld.Case.EE, false), "mx.ee.test");
        requiresDane(host, world.tlsa("mx.ee.test"));
        JsonNode probe = probeOf(onlyHost(explained(DaneWorld.Case.EE, true), "mx.ee.test"));
        matched(probe, "dane-ee", world.receiver(DaneWorld.Case.EE));
    }

    @Test
    void dane11_explainTa() throws Exception {
        JsonNode host = onlyHost(explained(DaneWorld.Case.TA, false), "mx.ta.test");
        requiresDane(host, world.tlsa("mx.ta.test"));
        assertThat(texts(host.path("plan").path("reference_ids"))).as("%s", host).contains("mx.ta.test");
        JsonNode probe = probeOf(onlyHost(explained(DaneWorld.Case.TA, true), "mx.ta.test"));
        matched(probe, "dane-ta", world.receiver(DaneWorld.Case.TA));
        assertThat(texts(probe.path("chain"), "spki_sha256")).as("the presented chain holds the test CA: %s", probe)
                .contains(spkiSha256(world.ca().certificate()));
    }

    @Test
    void dane07_explainMismatch() throws Exception {
        requiresDane(onlyHost(explained(DaneWorld.Case.MISMATCH, false), "mx.mismatch.test"),
                world.tlsa("mx.mismatch.test"));
        JsonNode probe = probeOf(onlyHost(explained(DaneWorld.Case.MISMATCH, true), "mx.mismatch.test"));
        assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("failed");
        assertThat(probe.path("dane").asText()).as("%s", probe).contains("no TLSA record matched");
    }

    @Test
    void dane07_explainNoStarttls() throws Exception {
        requiresDane(onlyHost(explained(DaneWorld.Case.NO_STARTTLS, false), "mx.nostarttls.test"),
                world.tlsa("mx.nostarttls.test"));
        starttlsMissing(probeOf(onlyHost(explained(DaneWorld.Case.NO_STARTTLS, true), "mx.nostarttls.test")));
    }

    @Test
    void dane05_explainBogusSkipsTheHost() throws Exception {
        Pattern bogusOrServfail = Pattern.compile("(?i)bogus|servfail");
        for (boolean probe : new boolean[] {false, true}) {
            Explained e = explain(DaneWorld.Case.BOGUS, probe);
            assertThat(e.result().exitCode()).as("exit code: no host would be connected to\n%s", e.result().output())
                    .isEqualTo(1);
            assertThat(e.json().path("decision").path("action").asText()).as("%s", e.json()).isIn("try-hosts", "defer");
            JsonNode host = onlyHost(e.json(), "mx.bogus.test");
            JsonNode tlsa = host.path("tlsa");
            assertThat(tlsa.path("answer").asText()).as("%s", host).isEqualTo("failure");
            assertThat(tlsa.path("status").asText()).as("%s", host).isIn("bogus", "servfail").containsPattern(bogusReason());
            assertThat(tlsa.path("records")).as("%s", host).isEmpty();
            JsonNode plan = host.path("plan");
            assertThat(plan.path("action").asText()).as("%s", host).isEqualTo("skip");
            assertThat(plan.path("status").asText()).as("%s", host).startsWith("4.");
            assertThat(plan.path("reason").asText()).as("%s", host).containsPattern(bogusOrServfail)
                    .containsPattern(bogusReason());
            if (probe) {
                JsonNode p = probeOf(host);
                assertThat(p.path("outcome").asText()).as("%s", p).isEqualTo("skipped");
                assertThat(p.path("address").asText()).as("no connection: %s", p).isEmpty();
                assertThat(p.path("detail").asText()).as("%s", p).containsPattern(bogusOrServfail);
            } else {
                assertThat(host.has("probe")).as("%s", host).isFalse();
            }
        }
    }

    @Test
    void dane08_explainAllUnusable() throws Exception {
        for (DaneWorld.Case c : List.of(DaneWorld.Case.UNUSABLE, DaneWorld.Case.UNUSABLE_NO_STARTTLS)) {
            String name = c.deliveringHost();
            JsonNode host = onlyHost(explained(c, false), name);
            JsonNode plan = host.path("plan");
            assertThat(plan.path("action").asText()).as("%s", host).isEqualTo("connect");
            assertThat(plan.path("tls").asText()).as("%s", host).isEqualTo("required");
            assertThat(plan.path("authentication").asText()).as("%s", host).isEqualTo("none");
            JsonNode records = tlsaRecords(host, world.tlsa(name));
            for (JsonNode r : records) {
                assertThat(r.path("usable").asBoolean()).as("%s", r).isFalse();
                assertThat(r.path("unusable_reason").asText()).as("%s", r).isNotBlank();
            }
            JsonNode probe = probeOf(onlyHost(explained(c, true), name));
            if (c == DaneWorld.Case.UNUSABLE) {
                assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("ok");
                assertThat(probe.path("tls").asText()).as("%s", probe).isEqualTo("unauthenticated");
                assertThat(texts(probe.path("chain"), "spki_sha256")).as("%s", probe).first()
                        .isEqualTo(spkiSha256(world.receiver(c).certificate().orElseThrow()));
            } else {
                starttlsMissing(probe);
            }
        }
    }

    @Test
    void dane09_explainNoTlsaIsOpportunistic() throws Exception {
        JsonNode host = onlyHost(explained(DaneWorld.Case.NO_TLSA, false), "mx.notlsa.test");
        JsonNode plan = host.path("plan");
        assertThat(plan.path("action").asText()).as("%s", host).isEqualTo("connect");
        assertThat(plan.path("tls").asText()).as("%s", host).isEqualTo("opportunistic");
        assertThat(plan.path("authentication").asText()).as("%s", host).isEqualTo("none");
        assertThat(host.path("tlsa").path("answer").asText()).as("%s", host).isIn("nodata", "nxdomain");
        assertThat(host.path("tlsa").path("status").asText()).as("%s", host).isEqualTo("secure");
        assertThat(host.path("tlsa").path("records")).as("%s", host).isEmpty();
        JsonNode probe = probeOf(onlyHost(explained(DaneWorld.Case.NO_TLSA, true), "mx.notlsa.test"));
        assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("ok");
        assertThat(probe.path("tls").asText()).as("%s", probe).isEqualTo("unauthenticated");
        assertThat(probe.path("dane").asText()).as("%s", probe).isEmpty();
    }

    @Test
    void dane07_explainBackupListsBothHostsInPreferenceOrder() throws Exception {
        JsonNode json = explained(DaneWorld.Case.BACKUP, false);
        JsonNode hosts = json.path("hosts");
        assertThat(texts(hosts, "name")).as("%s", json).containsExactly(PRIMARY, "mx2.backup.test");
        assertThat(hosts.path(0).path("preference").asInt()).as("%s", json).isEqualTo(10);
        assertThat(hosts.path(1).path("preference").asInt()).as("%s", json).isEqualTo(20);
        requiresDane(hosts.path(0), world.tlsa(PRIMARY));
        requiresDane(hosts.path(1), world.tlsa("mx2.backup.test"));

        JsonNode probed = explained(DaneWorld.Case.BACKUP, true).path("hosts");
        assertThat(texts(probed, "name")).as("%s", probed).containsExactly(PRIMARY, "mx2.backup.test");
        JsonNode primary = probeOf(probed.path(0));
        assertThat(primary.path("outcome").asText()).as("%s", primary).isEqualTo("failed");
        assertThat(primary.path("dane").asText()).as("%s", primary).contains("no TLSA record matched");
        matched(probeOf(probed.path(1)), "dane-ee", world.receiver(DaneWorld.Case.BACKUP));
    }

    @Test
    void explainPrintsTheDecisionInWordsWithoutJson() throws Exception {
        Tools.Result r = relay.cli("policy", "explain", DaneWorld.Case.EE.domain());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).as(r.output()).contains("domain ee.test").contains("decision: try the hosts below")
                .contains("mx.ee.test (preference 10)")
                .contains("decision: TLS required, authenticated by DANE")
                .contains(world.tlsa("mx.ee.test").get(0).substring(0, 6))
                .doesNotContain("{");
    }

    @Test
    void explainRejectsANameThatIsNotADomainWithExitCode2() throws Exception {
        Tools.Result r = relay.cli("policy", "explain", "not a domain!");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.stderr()).as(r.output()).contains("not a domain");
        assertThat(r.stdout()).as(r.output()).doesNotContain("decision");
    }

    private static final String PRIMARY = DaneWorld.PRIMARY_OF_BACKUP;

    record Explained(Tools.Result result, JsonNode json) {}

    /** {@code rampart policy explain <domain> --json [--probe]}, its exit code and its JSON. */
    private Explained explain(DaneWorld.Case c, boolean probe) throws Exception {
        Tools.Result r = probe ? relay.cli("policy", "explain", c.domain(), "--json", "--probe")
                : relay.cli("policy", "explain", c.domain(), "--json");
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("policy explain " + c.domain() + " printed no JSON:\n" + r.output(), e);
        }
        assertThat(json.path("domain").asText()).as(r.output()).isEqualTo(c.domain());
        assertThat(json.path("mx").path("result").asText()).as(r.output()).isEqualTo("hosts");
        assertThat(json.path("mx").path("status").asText()).as(r.output()).isEqualTo("secure");
        for (JsonNode host : json.path("hosts")) {
            assertThat(host.has("probe")).as("a probe only when asked for: %s", host).isEqualTo(probe);
        }
        return new Explained(r, json);
    }

    /** As {@link #explain}, for a destination whose hosts would be tried: exit 0, decision try-hosts. */
    private JsonNode explained(DaneWorld.Case c, boolean probe) throws Exception {
        Explained e = explain(c, probe);
        assertThat(e.result().exitCode()).as(e.result().output()).isZero();
        assertThat(e.json().path("decision").path("action").asText()).as(e.result().output()).isEqualTo("try-hosts");
        return e.json();
    }

    /** The one host of the explanation, which must be {@code name}, with the world's address for it. */
    private JsonNode onlyHost(JsonNode json, String name) {
        JsonNode hosts = json.path("hosts");
        assertThat(texts(hosts, "name")).as("%s", json).containsExactly(name);
        JsonNode host = hosts.path(0);
        if (host.has("addresses")) {
            assertThat(texts(host.path("addresses"))).as("%s", host)
                    .containsExactly(world.receiver(name).address().getHostAddress());
        }
        return host;
    }

    /** The host's plan: connect, TLS required, authenticated by DANE, policy dane, the TLSA usable. */
    private static void requiresDane(JsonNode host, List<String> published) {
        JsonNode plan = host.path("plan");
        assertThat(plan.path("action").asText()).as("%s", host).isEqualTo("connect");
        assertThat(plan.path("tls").asText()).as("%s", host).isEqualTo("required");
        assertThat(plan.path("authentication").asText()).as("%s", host).isEqualTo("dane");
        assertThat(plan.path("policy").asText()).as("%s", host).isEqualTo("dane");
        assertThat(plan.path("sni").asText()).as("SNI is the TLSA base domain: %s", host)
                .isEqualTo(host.path("name").asText());
        for (JsonNode r : tlsaRecords(host, published)) {
            assertThat(r.path("usable").asBoolean()).as("%s", r).isTrue();
            assertThat(r.path("unusable_reason").asText()).as("%s", r).isEmpty();
        }
    }

    /** The host's TLSA answer: a secure RRset at {@code _25._tcp.<name>} holding exactly {@code published}. */
    private static JsonNode tlsaRecords(JsonNode host, List<String> published) {
        JsonNode tlsa = host.path("tlsa");
        assertThat(tlsa.path("queried").asBoolean()).as("%s", host).isTrue();
        assertThat(tlsa.path("base").asText()).as("%s", host).isEqualTo(host.path("name").asText());
        assertThat(tlsa.path("answer").asText()).as("%s", host).isEqualTo("records");
        assertThat(tlsa.path("status").asText()).as("%s", host).isEqualTo("secure");
        assertThat(texts(tlsa.path("records"), "record").stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList())
                .as("%s", host).containsExactlyInAnyOrderElementsOf(
                        published.stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList());
        return tlsa.path("records");
    }

    private static JsonNode probeOf(JsonNode host) {
        JsonNode probe = host.path("probe");
        assertThat(probe.isObject()).as("a probe for %s", host).isTrue();
        return probe;
    }

    /** The probe's handshake was authenticated by {@code verdict} and the leaf presented is the receiver's. */
    private static void matched(JsonNode probe, String verdict, PostfixReceiver receiver) {
        assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("ok");
        assertThat(probe.path("address").asText()).as("%s", probe).isEqualTo(receiver.address().getHostAddress());
        assertThat(probe.path("tls").asText()).as("%s", probe).isEqualTo(verdict);
        assertThat(probe.path("dane").asText()).as("%s", probe).startsWith(verdict).contains("matched")
                .doesNotContain("no TLSA record matched");
        assertThat(texts(probe.path("chain"), "spki_sha256")).as("the leaf presented: %s", probe).first()
                .isEqualTo(spkiSha256(receiver.certificate().orElseThrow()));
    }

    private static void starttlsMissing(JsonNode probe) {
        assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("failed");
        assertThat(probe.path("detail").asText()).as("%s", probe).containsIgnoringCase("STARTTLS");
        assertThat(probe.path("chain")).as("%s", probe).isEmpty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static String spkiSha256(java.security.cert.X509Certificate cert) {
        String tlsa = TestCertificates.tlsaSha256(3, 1, cert);
        return tlsa.substring(tlsa.lastIndexOf(' ') + 1);
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

    /** How many SMTP sessions the receiver's smtpd has logged as ended ("disconnect from"). */
    private static long sessionsEnded(PostfixReceiver receiver) throws Exception {
        return receiver.maillog().stream().filter(l -> l.contains("disconnect from")).count();
    }

    /**
     * The receiver without STARTTLS was contacted (smtpd logged one more disconnect than {@code sessionsBefore},
     * counted before the submission, since other cases and the policy probes share this receiver) but never
     * saw a MAIL command: smtpd's per-session command counts ("disconnect from ... ehlo=1 quit=1") hold no
     * {@code mail=}, and no {@code from=<} line exists.
     */
    private void noMailCommandEverReached(PostfixReceiver receiver, long sessionsBefore) throws Exception {
        Await.untilTrue("the relay's session with " + receiver.hostname() + " to end", WAIT,
                () -> sessionsEnded(receiver) > sessionsBefore, receiver::diagnostics);
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
