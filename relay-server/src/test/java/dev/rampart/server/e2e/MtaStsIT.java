package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * <p>Two {@code tls.policy-map} entries show the manual levels beside MTA-STS (POL-10: an entry replaces
 * discovery), so every policy value of acceptance 1 appears: {@code mta-sts}, {@code dane}, {@code manual},
 * {@code none}.
 *
 * <p>Also acceptance 2 ({@code rampart policy explain --json [--probe]}: the STS record, the policy with its
 * source, age and expiry, each host's mx match and plan, the WebPKI probe verdict) and acceptance 4 (a second
 * relay in shadow mode delivers what this one keeps queued, and logs and counts each would-block).
 *
 * <p>Order matters only at the end ({@link Order}): the restart test stops nginx and the relay (it brings
 * nginx back before it ends), then the shadow test delivers to the receivers that the others require to
 * have seen no mail.
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
        DeliveryLogLine line = delivered(relay, StsWorld.Case.ENFORCE, "rcpt", "pkix", "mta-sts");
        assertThat(line.get("audit")).as("enforce is checked, not audited: %s", line.raw()).isEmpty();
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
        DeliveryLogLine line = delivered(relay, c, "rcpt", "unauthenticated", "mta-sts");
        assertThat(world.nginx().policyRequests(c.domain())).as("the testing policy was fetched").contains(200);
        // STS-20: the report-only PKIX check ran and failed (self-signed), and delivery went on regardless.
        assertThat(line.get("audit")).as(line.raw()).isEqualTo("certificate-not-trusted");
        assertThat(line.get("audit_reason")).as(line.raw()).isNotBlank();
        assertThat(line.get("shadow")).as(line.raw()).isEmpty();
        java.net.http.HttpResponse<String> metrics = relay.adminGet("/metrics");
        assertThat(metric(metrics.body(), "rampart_tls_audit_total", "result=\"certificate-not-trusted\""))
                .as(metrics.body()).isGreaterThanOrEqualTo(1.0);
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

    @Test
    void pol10_policyMapMayReplacesAnEnforcePolicyThatWouldBlock() throws Exception {
        StsWorld.Case c = StsWorld.Case.MANUAL_MAY;
        delivered(relay, c, "rcpt", "unauthenticated", "manual");
        assertThat(world.nginx().policyRequests(c.domain())).as("no MTA-STS lookup under a map entry").isEmpty();
    }

    @Test
    void pol10_policyMapSecureDeliversOverPkixWithTheTrustStore() throws Exception {
        StsWorld.Case c = StsWorld.Case.MANUAL_SECURE;
        delivered(relay, c, "rcpt", "pkix", "manual");
        assertThat(world.nginx().policyRequests(c.domain())).as("no MTA-STS lookup under a map entry").isEmpty();
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
            // Acceptance 2 with 3: explain shows the policy served from the cache, still valid.
            for (StsWorld.Case c : List.of(StsWorld.Case.CACHED, StsWorld.Case.CACHED_BLOCKED)) {
                JsonNode sts = explain(c, false).json().path("sts");
                assertThat(sts.path("lookup").path("result").asText()).as("%s", sts).isEqualTo("applied");
                assertThat(sts.path("lookup").path("source").asText()).as("%s", sts).isEqualTo("cache");
                StsExplain.cachedPolicy(c, sts.path("policy"));
            }
            DeliveryLogLine stillBlocked = staysQueued(StsWorld.Case.CACHED_BLOCKED, "after");
            assertThat(stillBlocked.dsn()).as(stillBlocked.raw()).isEqualTo("4.7.5");
            assertThat(stillBlocked.policy()).as(stillBlocked.raw()).isEqualTo("mta-sts");
            noMailCommandEverReached(world.receiver(StsWorld.Case.CACHED_BLOCKED), sessionsBefore);
        } finally {
            world.nginx().start();
        }
    }

    // Acceptance 2: `rampart policy explain DOMAIN --json [--probe]` shows the STS record, the cached policy
    // and the per-host decision. A probe never sends MAIL, and no probe goes to a host the policy skips.

    @Test
    void acceptance2_explainEnforceShowsTheCachedPolicyAndAnAdmittedPkixHost() throws Exception {
        StsWorld.Case c = StsWorld.Case.ENFORCE;
        explain(c, false); // the first lookup may fetch; the second is served from the cache
        StsExplain.Explained e = explain(c, false);
        assertThat(e.result().exitCode()).as(e.result().output()).isZero();
        JsonNode sts = e.json().path("sts");
        assertThat(sts.path("policy_domain").asText()).as("%s", sts).isEqualTo(c.domain());
        assertThat(sts.path("lookup").path("result").asText()).as("%s", sts).isEqualTo("applied");
        assertThat(sts.path("lookup").path("source").asText()).as("%s", sts).isEqualTo("cache");
        StsExplain.cachedPolicy(c, sts.path("policy"));

        JsonNode host = StsExplain.onlyHost(e.json(), c);
        StsExplain.admitted(host, c, "mx.enforce.test");
        JsonNode plan = host.path("plan");
        assertThat(plan.path("action").asText()).as("%s", host).isEqualTo("connect");
        assertThat(plan.path("tls").asText()).as("%s", host).isEqualTo("required");
        assertThat(plan.path("authentication").asText()).as("%s", host).isEqualTo("pkix");
        assertThat(plan.path("policy").asText()).as("%s", host).isEqualTo("mta-sts");
        assertThat(plan.path("sni").asText()).as("%s", host).isEqualTo(c.mxHost());

        JsonNode probe = StsExplain.onlyHost(explain(c, true).json(), c).path("probe");
        assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("ok");
        assertThat(probe.path("tls").asText()).as("%s", probe).isEqualTo("pkix");
        assertThat(probe.path("pkix").path("role").asText()).as("%s", probe).isEqualTo("enforce");
        assertThat(probe.path("pkix").path("result").asText()).as("%s", probe).isEqualTo("pass");
        assertThat(StsExplain.texts(probe.path("pkix").path("reference_ids"))).as("%s", probe).contains(c.mxHost());
    }

    @Test
    void acceptance2_explainShowsTheUnlistedHostSkippedAndNeverProbed() throws Exception {
        StsWorld.Case c = StsWorld.Case.NOT_LISTED;
        long connectsBefore = connects(world.receiver(c));
        for (boolean probe : new boolean[] {false, true}) {
            StsExplain.Explained e = explain(c, probe);
            assertThat(e.result().exitCode()).as("no host would be connected to%n%s", e.result().output()).isEqualTo(1);
            JsonNode host = StsExplain.onlyHost(e.json(), c);
            JsonNode sts = host.path("sts");
            assertThat(sts.path("mode").asText()).as("%s", host).isEqualTo("enforce");
            assertThat(sts.path("admitted").asBoolean()).as("%s", host).isFalse();
            assertThat(sts.path("matched_pattern").asText()).as("%s", host).isEmpty();
            JsonNode plan = host.path("plan");
            assertThat(plan.path("action").asText()).as("%s", host).isEqualTo("skip");
            assertThat(plan.path("policy").asText()).as("%s", host).isEqualTo("mta-sts");
            assertThat(plan.path("status").asText()).as("%s", host).startsWith("4.");
            assertThat(plan.path("reason").asText()).as("%s", host).contains(c.mxHost()).contains("MTA-STS");
            if (probe) {
                assertThat(host.path("probe").path("outcome").asText()).as("%s", host).isEqualTo("skipped");
            }
        }
        assertThat(connects(world.receiver(c))).as("the probe skips the host too").isEqualTo(connectsBefore);
    }

    @Test
    void acceptance2_explainProbeShowsWhyAnUntrustedCertificateFails() throws Exception {
        StsWorld.Case c = StsWorld.Case.UNTRUSTED;
        JsonNode host = StsExplain.onlyHost(explain(c, true).json(), c);
        StsExplain.admitted(host, c, c.mxHost());
        JsonNode probe = host.path("probe");
        assertThat(probe.path("outcome").asText()).as("%s", probe).isEqualTo("failed");
        assertThat(probe.path("pkix").path("result").asText()).as("%s", probe).isEqualTo("fail");
        assertThat(probe.path("pkix").path("reason").asText()).as("%s", probe).isNotBlank();
        assertThat(probe.path("chain")).as("the chain is shown even though it fails: %s", probe).isNotEmpty();
    }

    @Test
    void acceptance2_explainWildcardAndDaneAndPolicy404() throws Exception {
        StsExplain.admitted(StsExplain.onlyHost(explain(StsWorld.Case.WILDCARD, false).json(), StsWorld.Case.WILDCARD),
                StsWorld.Case.WILDCARD, "*.wildcard.test");

        JsonNode dane = StsExplain.onlyHost(explain(StsWorld.Case.DANE_AND_STS, false).json(), StsWorld.Case.DANE_AND_STS);
        StsExplain.admitted(dane, StsWorld.Case.DANE_AND_STS, StsWorld.Case.DANE_AND_STS.mxHost());
        assertThat(dane.path("plan").path("authentication").asText()).as("POL-03: DANE alone decides: %s", dane)
                .isEqualTo("dane");
        assertThat(dane.path("plan").path("policy").asText()).as("%s", dane).isEqualTo("dane");

        StsExplain.Explained missing = explain(StsWorld.Case.NOT_FOUND, false);
        JsonNode sts = missing.json().path("sts");
        assertThat(sts.path("txt").path("result").asText()).as("%s", sts).isEqualTo("found");
        assertThat(sts.path("lookup").path("result").asText()).as("%s", sts).isEqualTo("fetch-failed");
        assertThat(sts.path("lookup").path("failure").asText()).as("%s", sts).isEqualTo("sts-policy-fetch-error");
        assertThat(sts.path("lookup").path("reason").asText()).as("%s", sts).contains("404");
        JsonNode plan = StsExplain.onlyHost(missing.json(), StsWorld.Case.NOT_FOUND).path("plan");
        assertThat(plan.path("tls").asText()).as("%s", plan).isEqualTo("opportunistic");
        assertThat(plan.path("policy").asText()).as("%s", plan).isEqualTo("none");
    }

    @Test
    void acceptance2_explainInWordsNamesThePolicyAndItsSource() throws Exception {
        Tools.Result r = relay.cli("policy", "explain", StsWorld.Case.ENFORCE.domain());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).as(r.output()).contains("MTA-STS").contains(StsWorld.Case.ENFORCE.id())
                .contains("enforce").contains(StsWorld.Case.ENFORCE.mxHost()).doesNotContain("{");
    }

    /**
     * Acceptance 4: a second relay in shadow mode ({@code tls.enforcement: shadow}) delivers every scenario
     * the enforcing relay keeps queued (as opportunistic TLS would: {@code tls=unauthenticated}, or {@code none}
     * without STARTTLS), marks each such line {@code shadow=would-block}, writes a
     * {@code shadow: would block} line naming host and policy, and counts each in
     * {@code rampart_tls_shadow_would_block_total}, scraped from {@code /metrics} over HTTP; a domain whose
     * policy passes is delivered without a mark. Runs last: it delivers to the receivers that the other
     * tests require to have seen no mail.
     */
    @Test
    @Order(LATE + 1)
    void acceptance4_shadowModeDeliversWhatEnforcementBlocksAndCountsIt() throws Exception {
        try (RampartProcess shadow = world.relay(dir.resolve("relay-shadow")).enforcement("shadow").start()) {
            // Shadow sessions run as opportunistic TLS would; the policy is evaluated beside them.
            DeliveryLogLine passes = delivered(shadow, StsWorld.Case.ENFORCE, "shadow", "unauthenticated", "mta-sts");
            assertThat(passes.get("shadow")).as(passes.raw()).isEmpty();

            List<StsWorld.Case> blocked = List.of(StsWorld.Case.UNTRUSTED, StsWorld.Case.NOT_LISTED,
                    StsWorld.Case.NO_STARTTLS, StsWorld.Case.CACHED_BLOCKED, StsWorld.Case.DANE_FAILS);
            for (StsWorld.Case c : blocked) {
                String expectedTls = c == StsWorld.Case.NO_STARTTLS ? "none" : "unauthenticated";
                String policy = c.tlsa() == StsWorld.Tlsa.NONE ? "mta-sts" : "dane";
                DeliveryLogLine line = delivered(shadow, c, "shadow", expectedTls, policy);
                assertThat(line.get("shadow")).as(line.raw()).isEqualTo("would-block");
                List<String> warnings = shadow.stdoutLines().stream().filter(l -> l.contains("shadow: would block")
                        && l.contains("queue_id=" + line.queueId())).toList();
                assertThat(warnings).as("the would-block line of %s", c).singleElement().satisfies(w -> assertThat(w)
                        .contains("domain=" + c.domain()).contains("host=" + c.mxHost()).contains("policy=" + policy));
            }

            java.net.http.HttpResponse<String> metrics = shadow.adminGet("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metric(metrics.body(), "rampart_tls_shadow_would_block_total", "policy=\"mta-sts\""))
                    .as(metrics.body()).isEqualTo(4.0);
            assertThat(metric(metrics.body(), "rampart_tls_shadow_would_block_total", "policy=\"dane\""))
                    .as(metrics.body()).isEqualTo(1.0);
        }
    }

    /** The value of the sample of {@code name} whose labels contain {@code label}; 0 when there is none. */
    private static double metric(String exposition, String name, String label) {
        return exposition.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
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

    private StsExplain.Explained explain(StsWorld.Case c, boolean probe) throws Exception {
        return StsExplain.explain(relay, c, probe);
    }
}
