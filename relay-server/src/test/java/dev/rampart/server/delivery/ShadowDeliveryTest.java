package dev.rampart.server.delivery;

import static dev.rampart.policy.dns.DnssecStatus.INSECURE;
import static dev.rampart.policy.dns.DnssecStatus.SECURE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.DomainFacts;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostFacts;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.PolicyDecider;
import dev.rampart.policy.decide.StsFacts;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.StsPolicy;
import dev.rampart.policy.sts.fetch.StsTrust;
import dev.rampart.queue.BodyType;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.config.RampartConfig.Enforcement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Report-only audits (MTA-STS {@code testing}, STS-20), shadow mode (issue acceptance 4) and
 * {@code TLS-Required: No} (row 20, POL-08) through the whole delivery path: plans decided by
 * {@link PolicyDecider} from real facts, the real Netty client, a fake SMTP server on loopback with a
 * self-signed certificate that neither the JDK roots nor the test's TLSA record vouch for. Each case checks
 * that the message reached the server, the delivery line, the WARN line and the metric.
 */
class ShadowDeliveryTest {
    private static final String DOMAIN = "shadow.example";
    private static final String HOST = "mx.shadow.example";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final TestCertificates.ServerCert SELF_SIGNED = TestCertificates.selfSigned(HOST);

    private final Logger logger = (Logger) LoggerFactory.getLogger("rampart.delivery");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final InstantSource clock = InstantSource.system();
    private final InMemoryQueue queue = new InMemoryQueue(clock);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<dev.rampart.policy.tlsrpt.SessionRecord> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
    private FakeSmtpServer server;
    private DeliveryClient client;
    private SessionPool pool;

    @BeforeEach
    void start() throws Exception {
        appender.start();
        logger.addAppender(appender);
        server = new FakeSmtpServer();
        server.tls = SELF_SIGNED.serverContext();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofSeconds(10)));
        pool = new SessionPool(Duration.ZERO, clock);
    }

    @AfterEach
    void stop() throws Exception {
        pool.close();
        client.close();
        server.close();
        executor.close();
        logger.detachAppender(appender);
    }

    // ---- plans, decided as delivery decides them ---------------------------------------------------

    private static DestinationPlan plan(DomainFacts facts, TlsaFacts tlsa) {
        MxHost host = new MxHost(HOST, 10, List.of(LOOPBACK), SECURE);
        HostAddressFacts address = HostAddressFacts.direct(HOST, SECURE);
        MxResolution.Hosts resolution = new MxResolution.Hosts(DOMAIN, List.of(host), facts.mxStatus(), false, List.of());
        DomainPlan domainPlan = PolicyDecider.decideDomain(resolution, DOMAIN, facts.manual(), facts.sts());
        List<DestinationPlan.PlannedHost> hosts = domainPlan instanceof DomainPlan.TryHosts
                ? List.of(new DestinationPlan.PlannedHost(host, address, List.of(), tlsa,
                        PolicyDecider.decideHost(new HostFacts(facts, address, tlsa))))
                : List.of();
        return new DestinationPlan(DOMAIN, facts.manual(), resolution, domainPlan, hosts);
    }

    /** Row 12: a secure MX with a usable {@code 3 1 1} record that matches the server's key, or not. */
    private static DestinationPlan dane(boolean matching) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(SELF_SIGNED.certificate().getPublicKey().getEncoded());
        if (!matching) {
            digest[0] ^= 1;
        }
        DnsResult<TlsaRecord> answer = new DnsResult.Records<>(List.of(new TlsaRecord(3, 1, 1, digest)), SECURE,
                "_25._tcp." + HOST, Duration.ofHours(1));
        return plan(new DomainFacts(DOMAIN, DOMAIN, ManualPolicy.DANE, SECURE, false, StsFacts.ABSENT),
                new TlsaFacts.Answer(HOST, answer));
    }

    /** Rows 11, 16, 17: an insecure MX and an MTA-STS policy listing {@code mx}. */
    private static DestinationPlan sts(StsMode mode, String mx) {
        StsPolicy policy = new StsPolicy("STSv1", mode, 86400, List.of(mx),
                List.of("version: STSv1", "mode: " + mode.token(), "mx: " + mx, "max_age: 86400"));
        return plan(new DomainFacts(DOMAIN, DOMAIN, ManualPolicy.DANE, INSECURE, false,
                new StsFacts.Applied(policy, DOMAIN)), new TlsaFacts.NotQueried("MX RRset insecure (DANE-01)"));
    }

    private static MessageParams params(TlsTag tag) {
        return new MessageParams("s@origin.example", BodyType.SEVEN_BIT, false, "", Ret.UNSPECIFIED, tag,
                "client [127.0.0.1]", "");
    }

    /** One delivery attempt of one message to {@link #DOMAIN} under {@code plan}; the trust is the JDK roots. */
    private QueueId deliver(Enforcement mode, TlsTag tag, DestinationPlan plan) throws Exception {
        RampartConfig.Delivery delivery = TestFixtures.delivery(server.port(), Duration.ofSeconds(10));
        DeliveryClassifier classifier = new DeliveryClassifier();
        DeliveryLog log = new DeliveryLog(metrics);
        DestinationTracker tracker = new DestinationTracker(4, clock, failures -> Duration.ofMinutes(30), classifier);
        TlsChecks checks = new TlsChecks(StsTrust.of(List.<X509Certificate>of(), true).trustManager(), clock);
        DomainDelivery domains = new DomainDelivery(delivery, nextHop -> CompletableFuture.completedFuture(plan), mode,
                checks, client, pool, tracker, new Semaphore(4), classifier, log, clock, TlsPlan.jdkRoots(),
                recorded::add);
        RampartConfig config = TestFixtures.config(delivery, List.of(Duration.ofMinutes(30)), Duration.ofDays(5),
                Duration.ofDays(2), Duration.ofHours(4));
        MessageDelivery messages = new MessageDelivery(config.queue(), queue, domains,
                new NoticeQueue(queue, new SchedulerFakes.FakeDsn()), log, classifier, clock, executor, new StsBounceRecheck(StsRecheck.NEVER));
        QueueId id = queue.add(params(tag), List.of(RecipientSpec.of("a@" + DOMAIN)), "Subject: t\r\n\r\nhi\r\n");
        assertThat(queue.claimDue(clock.instant(), 10)).contains(id);
        messages.process(id);
        return id;
    }

    private List<String> lines(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private String recipientLine() {
        List<String> lines = lines(Level.INFO).stream().filter(l -> l.contains(" rcpt=")).toList();
        assertThat(lines).hasSize(1);
        return lines.getFirst();
    }

    private double wouldBlock(String policy) {
        Counter c = metrics.find("rampart.tls.shadow.would.block").tag("policy", policy).counter();
        return c == null ? 0 : c.count();
    }

    private double audits(String result) {
        Counter c = metrics.find("rampart.tls.audit").tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private void assertDelivered(QueueId id) {
        assertThat(queue.completed).containsExactly(id);
        assertThat(server.messages).hasSize(1);
        assertThat(new String(server.messages.getFirst(), StandardCharsets.UTF_8)).isEqualTo("Subject: t\r\n\r\nhi\r\n");
    }

    // ---- MTA-STS testing: report-only audit ---------------------------------------------------------

    @Test
    void sts20_row17_testingWithAnUntrustedCertificateDeliversAndLogsTheAuditFailure() throws Exception {
        QueueId id = deliver(Enforcement.ENFORCE, TlsTag.DEFAULT, sts(StsMode.TESTING, HOST));
        assertDelivered(id);
        assertThat(recipientLine()).contains("status=sent", "tls=unauthenticated policy=mta-sts",
                "audit=certificate-not-trusted audit_reason=\"certificate chain not trusted (PKIX)")
                .doesNotContain("shadow=");
        assertThat(audits("certificate-not-trusted")).isEqualTo(1);
        assertThat(lines(Level.WARN)).isEmpty();
        // RPT-01, STS-20: one session under the sts policy, failed with the audit's result type.
        assertThat(recorded).singleElement().satisfies(r -> assertThat(r.results()).singleElement().satisfies(p -> {
            assertThat(p.policy().type()).isEqualTo(dev.rampart.policy.decide.TlsRptPolicyType.STS);
            assertThat(p.failures()).singleElement().satisfies(d -> {
                assertThat(d.resultType()).isEqualTo(dev.rampart.policy.decide.TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
                assertThat(d.sendingMtaIp()).isEqualTo("127.0.0.1");
                assertThat(d.receivingIp()).isEqualTo("127.0.0.1");
                assertThat(d.receivingMxHostname()).isEqualTo(HOST);
            });
        }));
    }

    @Test
    void sts20_row17_testingWithoutStartTlsDeliversInPlaintextAndRecordsStarttlsNotSupported() throws Exception {
        server.tls = null;
        QueueId id = deliver(Enforcement.ENFORCE, TlsTag.DEFAULT, sts(StsMode.TESTING, HOST));
        assertDelivered(id);
        assertThat(server.commands).noneMatch(c -> c.tls());
        assertThat(server.verbs()).doesNotContain("STARTTLS").contains("MAIL");
        assertThat(recipientLine()).contains("status=sent", "tls=none policy=mta-sts",
                "audit=starttls-not-supported audit_reason=\"STARTTLS not offered\"");
        assertThat(audits("starttls-not-supported")).isEqualTo(1);
    }

    @Test
    void sts20_testingWithStartTlsRefusedStillDeliversAndNamesTheReply() throws Exception {
        server.reply = (c, line) -> line.equals("STARTTLS") ? "454 4.7.0 TLS not available" : null;
        QueueId id = deliver(Enforcement.ENFORCE, TlsTag.DEFAULT, sts(StsMode.TESTING, HOST));
        assertDelivered(id);
        assertThat(recipientLine()).contains("tls=none", "audit=starttls-not-supported",
                "audit_reason=\"STARTTLS refused: 454 4.7.0 TLS not available\"");
    }

    /** Row 15: a secure MX whose TLSA RRset is all unusable (DANE-08 requires TLS) and an MTA-STS testing policy. */
    private static DestinationPlan row15() {
        StsPolicy policy = new StsPolicy("STSv1", StsMode.TESTING, 86400, List.of(HOST),
                List.of("version: STSv1", "mode: testing", "mx: " + HOST, "max_age: 86400"));
        DnsResult<TlsaRecord> unusable = new DnsResult.Records<>(List.of(new TlsaRecord(1, 1, 1, new byte[32])), SECURE,
                "_25._tcp." + HOST, Duration.ofHours(1));
        return plan(new DomainFacts(DOMAIN, DOMAIN, ManualPolicy.DANE, SECURE, false, new StsFacts.Applied(policy, DOMAIN)),
                new TlsaFacts.Answer(HOST, unusable));
    }

    @Test
    void sts20_row15_tlsRequiredByDaneWithAnUntrustedCertificateDeliversAndOnlyAudits() throws Exception {
        QueueId id = deliver(Enforcement.ENFORCE, TlsTag.DEFAULT, row15());
        assertDelivered(id);
        assertThat(recipientLine()).contains("tls=unauthenticated policy=dane audit=certificate-not-trusted");
    }

    @Test
    void shadow_row15_noStartTlsWouldBlockForDaneAndTheAuditSaysStarttlsNotSupported() throws Exception {
        server.tls = null;
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, row15());
        assertDelivered(id);
        assertThat(recipientLine()).contains("tls=none policy=dane audit=starttls-not-supported",
                "shadow=would-block");
        assertThat(wouldBlock("dane")).isEqualTo(1);
        assertThat(audits("starttls-not-supported")).isEqualTo(1);
    }

    // ---- shadow mode ------------------------------------------------------------------------------

    @Test
    void shadow_dane07_daneMismatchDeliversLogsWouldBlockAndCountsOnce() throws Exception {
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, dane(false));
        assertDelivered(id);
        assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "MAIL");
        assertThat(recipientLine()).contains("status=sent", "tls=unauthenticated policy=dane shadow=would-block");
        assertThat(lines(Level.WARN)).singleElement().asString().startsWith("shadow: would block queue_id=" + id
                + " domain=" + DOMAIN + " host=" + HOST + " policy=dane reason=\"no TLSA record matched");
        assertThat(wouldBlock("dane")).isEqualTo(1);
    }

    @Test
    void enforce_dane07_theSameMismatchStaysQueuedWithoutMail() throws Exception {
        QueueId id = deliver(Enforcement.ENFORCE, TlsTag.DEFAULT, dane(false));
        assertThat(queue.completed).doesNotContain(id);
        assertThat(server.verbs()).doesNotContain("MAIL");
        assertThat(recipientLine()).contains("status=deferred", "dsn=4.7.5", "no TLSA record matched");
        assertThat(wouldBlock("dane")).isZero();
        // RPT-06: a DANE non-match is reported as tlsa-invalid under the tlsa policy.
        assertThat(recorded).singleElement().satisfies(r -> assertThat(r.results()).singleElement().satisfies(p -> {
            assertThat(p.policy().type()).isEqualTo(dev.rampart.policy.decide.TlsRptPolicyType.TLSA);
            assertThat(p.failures()).extracting(d -> d.resultType())
                    .containsExactly(dev.rampart.policy.decide.TlsRptResultType.TLSA_INVALID);
        }));
    }

    @Test
    void shadow_dane10_matchingDaneDeliversWithoutWouldBlock() throws Exception {
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, dane(true));
        assertDelivered(id);
        assertThat(recipientLine()).contains("policy=dane ").doesNotContain("shadow=");
        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(wouldBlock("dane")).isZero();
    }

    @Test
    void shadow_pol05_noStartTlsUnderDaneDeliversInPlaintextAndWouldBlock() throws Exception {
        server.tls = null;
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, dane(true));
        assertDelivered(id);
        assertThat(recipientLine()).contains("status=sent", "tls=none policy=dane shadow=would-block");
        assertThat(lines(Level.WARN)).singleElement().asString()
                .contains("policy=dane", "reason=\"STARTTLS not offered; dane requires TLS\"");
        assertThat(wouldBlock("dane")).isEqualTo(1);
    }

    @Test
    void shadow_pol05_failedHandshakeUnderDaneDeliversByThePlaintextRetryAndWouldBlock() throws Exception {
        server.afterStartTls = "250 this is not a TLS handshake";
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, dane(true));
        assertDelivered(id);
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(recipientLine()).contains("status=sent", "tls=none policy=dane shadow=would-block");
        assertThat(lines(Level.WARN)).singleElement().asString()
                .contains("reason=\"the TLS handshake failed: ", "; dane requires TLS\"");
        assertThat(wouldBlock("dane")).isEqualTo(1);
    }

    @Test
    void shadow_dane13_relaxedDanePlanKeepsTheTlsaBaseAsSni() throws Exception {
        HostPlan.Connect enforced = (HostPlan.Connect) dane(true).hosts().getFirst().plan();
        HostPlan.Connect withBase = new HostPlan.Connect(HOST, enforced.requirement(), enforced.authentication(),
                "base.shadow.example", "base.shadow.example", enforced.allTlsa(), enforced.minimumTls(),
                enforced.policy(), enforced.why(), enforced.tlsRpt());
        TlsPlan relaxed = TlsPlan.forHost(dev.rampart.policy.decide.ShadowPlans.relax(withBase).connect(), clock, TlsPlan.jdkRoots());
        assertThat(relaxed).isEqualTo(new TlsPlan.Opportunistic("base.shadow.example"));
        SessionConnector.OpenResult result = client.open(HOST, LOOPBACK, relaxed);
        assertThat(result).isInstanceOf(SessionConnector.OpenResult.Opened.class);
        ((SessionConnector.OpenResult.Opened) result).session().close();
        assertThat(server.sniNames).containsExactly("base.shadow.example");
    }

    @Test
    void shadow_sts19_row16_enforceWithAnUntrustedCertificateDeliversAndCountsMtaSts() throws Exception {
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, sts(StsMode.ENFORCE, HOST));
        assertDelivered(id);
        assertThat(recipientLine()).contains("status=sent", "tls=unauthenticated policy=mta-sts shadow=would-block");
        assertThat(lines(Level.WARN)).singleElement().asString()
                .contains("policy=mta-sts", "reason=\"certificate chain not trusted (PKIX)");
        assertThat(wouldBlock("mta-sts")).isEqualTo(1);
    }

    @Test
    void shadow_sts19_row11_hostNotInTheMxListIsContactedAndCounted() throws Exception {
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, sts(StsMode.ENFORCE, "mx.other.example"));
        assertDelivered(id);
        assertThat(lines(Level.WARN)).singleElement().asString()
                .contains("policy=mta-sts", "not in the MTA-STS policy of " + DOMAIN);
        assertThat(wouldBlock("mta-sts")).isEqualTo(1);
    }

    @Test
    void shadow_dane16_row5_daneOnlyWithAnInsecureMxDeliversAndCountsDaneOnly() throws Exception {
        DestinationPlan plan = plan(new DomainFacts(DOMAIN, DOMAIN, ManualPolicy.DANE_ONLY, INSECURE, false,
                StsFacts.ABSENT), new TlsaFacts.NotQueried("MX RRset insecure (DANE-01)"));
        assertThat(plan.domainPlan()).isInstanceOf(DomainPlan.Defer.class);
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, plan);
        assertDelivered(id);
        assertThat(recipientLine()).contains("policy=dane-only shadow=would-block");
        assertThat(lines(Level.WARN)).singleElement().asString().contains("policy=dane-only", "dane-only");
        assertThat(wouldBlock("dane-only")).isEqualTo(1);
    }

    @Test
    void shadow_row10_transientTlsaFailureDeliversWithoutCountingAWouldBlock() throws Exception {
        DestinationPlan plan = plan(new DomainFacts(DOMAIN, DOMAIN, ManualPolicy.DANE, SECURE, false, StsFacts.ABSENT),
                new TlsaFacts.Answer(HOST, new DnsResult.Failure<>(DnsResult.FailureKind.TIMEOUT, "no reply")));
        assertThat(plan.hosts().getFirst().plan()).isInstanceOf(HostPlan.Skip.class);
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, plan);
        assertDelivered(id);
        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(lines(Level.INFO)).anySatisfy(l -> assertThat(l)
                .startsWith("shadow: transient DNS failure ignored queue_id=" + id).contains("TLSA lookup failed"));
        assertThat(recipientLine()).doesNotContain("shadow=");
        assertThat(metrics.find("rampart.tls.shadow.would.block").counters()).isEmpty();
    }

    @Test
    void shadow_row8_mxLookupFailureStillDefers() throws Exception {
        DestinationPlan plan = new DestinationPlan(DOMAIN, ManualPolicy.DANE,
                new MxResolution.Temporary(DOMAIN, "4.4.3", "SERVFAIL"),
                new DomainPlan.Defer("4.4.3", "MX lookup failed: SERVFAIL", List.of()), List.of());
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.DEFAULT, plan);
        assertThat(queue.completed).doesNotContain(id);
        assertThat(server.connections.get()).isZero();
        assertThat(recipientLine()).contains("status=deferred", "dsn=4.4.3");
    }

    @Test
    void shadow_pol09_requireTlsIsNeverRelaxed() throws Exception {
        QueueId id = deliver(Enforcement.SHADOW, TlsTag.REQUIRE_TLS, dane(false));
        assertThat(queue.completed).doesNotContain(id);
        assertThat(server.verbs()).doesNotContain("MAIL");
        assertThat(wouldBlock("dane")).isZero();
    }

    @Test
    void shadowModeFromTheConfigurationReachesEveryDeliveryThroughTheScheduler() throws Exception {
        RampartConfig base = TestFixtures.config(TestFixtures.delivery(server.port(), Duration.ofSeconds(10)),
                List.of(Duration.ofMinutes(30)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        RampartConfig config = new RampartConfig(base.smtp(), base.queue(), base.delivery(), base.admin(), base.dns(),
                new RampartConfig.Tls(null, null, Enforcement.SHADOW, new RampartConfig.MtaSts(true, null)), base.log());
        SchedulerFakes.FakeMx mx = new SchedulerFakes.FakeMx();
        mx.answers.put(DOMAIN, new MxResolution.Hosts(DOMAIN, List.of(new MxHost(HOST, 10, List.of(LOOPBACK), SECURE)),
                SECURE, false, List.of()));
        SchedulerFakes.FakeTlsa tlsa = new SchedulerFakes.FakeTlsa();
        TlsaRecord wrong = ((HostPlan.Connect) dane(false).hosts().getFirst().plan()).usableTlsa().getFirst();
        tlsa.answers.put("_25._tcp." + HOST, new DnsResult.Records<>(List.of(wrong), SECURE, "_25._tcp." + HOST,
                Duration.ofHours(1)));
        QueueId id = queue.add(params(TlsTag.DEFAULT), List.of(RecipientSpec.of("a@" + DOMAIN)), "Subject: t\r\n\r\nhi\r\n");
        try (DeliveryScheduler scheduler = new DeliveryScheduler(config, queue,
                new DestinationPlanner(mx, tlsa, dev.rampart.policy.decide.PolicyMap.EMPTY), new SchedulerFakes.FakeDsn(),
                metrics, clock)) {
            scheduler.runOnce().join();
        }
        assertDelivered(id);
        assertThat(wouldBlock("dane")).isEqualTo(1);
        assertThat(recipientLine()).contains("policy=dane shadow=would-block");
    }

    // ---- TLS-Required: No ---------------------------------------------------------------------------

    @Test
    void pol08_row20_tlsRequiredNoWithADaneMismatchTriesStartTlsDeliversAndCountsNothing() throws Exception {
        QueueId id = deliver(Enforcement.ENFORCE, TlsTag.TLS_OPTIONAL, dane(false));
        assertDelivered(id);
        assertThat(server.verbs()).startsWith("EHLO", "STARTTLS", "EHLO", "MAIL");
        assertThat(recipientLine()).contains("status=sent", "tls=unauthenticated policy=dane ")
                .doesNotContain("shadow=", "audit=");
        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(metrics.find("rampart.tls.shadow.would.block").counters()).isEmpty();
        assertThat(recorded).as("POL-08, RPT-09: TLS-Required: No sessions are never recorded").isEmpty();
    }

    @Test
    void pol08_row20_inShadowModeTooNothingIsCountedAndTestingIsNotAudited() throws Exception {
        deliver(Enforcement.SHADOW, TlsTag.TLS_OPTIONAL, sts(StsMode.ENFORCE, HOST));
        assertThat(server.messages).hasSize(1);
        assertThat(lines(Level.WARN)).isEmpty();
        assertThat(metrics.find("rampart.tls.shadow.would.block").counters()).isEmpty();
        server.messages.clear();
        deliver(Enforcement.ENFORCE, TlsTag.TLS_OPTIONAL, sts(StsMode.TESTING, HOST));
        assertThat(server.messages).hasSize(1);
        assertThat(metrics.find("rampart.tls.audit").counters()).isEmpty();
    }
}
