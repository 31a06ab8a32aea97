package dev.rampart.server.delivery;

import static dev.rampart.server.delivery.TestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.rampart.policy.dane.DaneTrustManager;
import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.SchedulerFakes.FakeConnector;
import dev.rampart.server.delivery.SchedulerFakes.FakeDsn;
import dev.rampart.server.delivery.SchedulerFakes.FakeMx;
import dev.rampart.server.delivery.SchedulerFakes.FakeTlsa;
import dev.rampart.server.delivery.SchedulerFakes.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Delivery acting on DANE plans (DANE-05, DANE-07, DANE-08, DANE-16, QUE-04, QUE-17), with fake DNS and
 * a fake connector that records the TLS plan of every connection.
 */
class DaneDeliveryTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final List<Duration> RETRY = List.of(Duration.ofMinutes(30));
    private static final TlsaRecord DANE_EE = new TlsaRecord(3, 1, 1, filled(32, 0xab));
    private static final TlsaRecord PKIX_EE = new TlsaRecord(1, 1, 1, filled(32, 0xcd));

    private final Logger logger = (Logger) LoggerFactory.getLogger("rampart.delivery");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryQueue queue = new InMemoryQueue(clock);
    private final FakeMx mx = new FakeMx();
    private final FakeTlsa tlsa = new FakeTlsa();
    private final FakeDsn dsn = new FakeDsn();
    private final FakeConnector connector = new FakeConnector();
    private DeliveryScheduler scheduler;

    @BeforeEach
    void start() {
        appender.start();
        logger.addAppender(appender);
        scheduler = scheduler(PolicyMap.EMPTY);
        // What the real session reports: the DANE mode when the plan's trust manager is DANE.
        connector.sessionTls = plan -> new ObservedTls.Negotiated("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=peer",
                plan instanceof TlsPlan.Required r && r.trustManager() instanceof DaneTrustManager ? "dane-ee"
                        : "unauthenticated");
    }

    @AfterEach
    void stop() {
        scheduler.close();
        logger.detachAppender(appender);
    }

    private DeliveryScheduler scheduler(PolicyMap map) {
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(25, Duration.ofSeconds(5)), RETRY,
                Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        return new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa, map), dsn, new SimpleMeterRegistry(),
                clock, connector);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** A signed domain: secure MX RRset, each host with one secure address. */
    private void signed(String domain, DnssecStatus mxStatus, String... hosts) {
        List<MxHost> list = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            list.add(new MxHost(hosts[i], 10 * (i + 1), List.of(SchedulerFakes.address(hosts[i], 10 + i)),
                    DnssecStatus.SECURE));
        }
        mx.answers.put(domain, new MxResolution.Hosts(domain, list, mxStatus, false, List.of()));
    }

    private void tlsaAt(String host, DnsResult<TlsaRecord> answer) {
        tlsa.answers.put("_25._tcp." + host, answer);
    }

    private static DnsResult<TlsaRecord> secure(TlsaRecord... records) {
        return new DnsResult.Records<>(List.of(records), DnssecStatus.SECURE, "x", Duration.ofHours(1));
    }

    private static DnsResult<TlsaRecord> noTlsa() {
        return new DnsResult.NoData<>(DnssecStatus.SECURE, "x");
    }

    private QueueId send() throws Exception {
        QueueId id = queue.add(params("s@origin.example"), List.of(RecipientSpec.of("a@x.example")), "body\r\n");
        scheduler.runOnce().join();
        return id;
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<String> recipientLines() {
        return lines().stream().filter(l -> l.contains(" rcpt=")).toList();
    }

    @Test
    void usableTlsaConnectsWithTheDaneTrustManagerAndLogsDaneDane07Dane13() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        QueueId id = send();
        assertThat(queue.completed).containsExactly(id);
        TlsPlan.Required plan = (TlsPlan.Required) connector.plans.getFirst();
        assertThat(plan.trustManager()).isInstanceOf(DaneTrustManager.class);
        assertThat(((DaneTrustManager) plan.trustManager()).sniName()).isEqualTo("mx1.x.example");
        assertThat(plan.peerName()).isEqualTo("mx1.x.example");
        assertThat(plan.verifyHostname()).isFalse();
        assertThat(plan.authentication()).isEqualTo("dane");
        assertThat(recipientLines()).singleElement().asString()
                .contains("status=sent", "tls=dane-ee", "policy=dane ");
    }

    @Test
    void everyConnectionGetsItsOwnTrustManager() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example", "mx2.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        tlsaAt("mx2.x.example", secure(DANE_EE));
        connector.failing.put("mx1.x.example", new SessionFailure.TlsRequired("no TLSA record matched: leaf"));
        send();
        assertThat(connector.plans).hasSize(2);
        assertThat(((TlsPlan.Required) connector.plans.get(0)).trustManager())
                .isNotSameAs(((TlsPlan.Required) connector.plans.get(1)).trustManager());
    }

    @Test
    void allUnusableTlsaRequiresTlsWithoutAuthenticationDane08() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", secure(PKIX_EE));
        send();
        TlsPlan.Required plan = (TlsPlan.Required) connector.plans.getFirst();
        assertThat(plan.trustManager()).isNotInstanceOf(DaneTrustManager.class);
        assertThat(plan.authentication()).isEqualTo("unauthenticated");
        assertThat(plan.verifyHostname()).isFalse();
        assertThat(recipientLines()).singleElement().asString().contains("tls=unauthenticated", "policy=dane ");
    }

    @Test
    void secureZoneWithoutTlsaIsOpportunisticDane09() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", noTlsa());
        send();
        assertThat(connector.plans).singleElement().isInstanceOf(TlsPlan.Opportunistic.class);
        assertThat(recipientLines()).singleElement().asString().contains("policy=none ");
    }

    @Test
    void insecureMxAsksNoTlsaAndIsOpportunisticDane01() throws Exception {
        signed("x.example", DnssecStatus.INSECURE, "mx1.x.example");
        send();
        assertThat(tlsa.asked).isEmpty();
        assertThat(connector.plans).singleElement().isInstanceOf(TlsPlan.Opportunistic.class);
    }

    @Test
    void bogusTlsaSkipsTheHostWithoutConnectingAndDefers475Dane05() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", new DnsResult.Failure<>(DnsResult.FailureKind.BOGUS, "RRSIG expired"));
        QueueId id = send();
        assertThat(connector.opens).isEmpty();
        assertThat(queue.completed).doesNotContain(id);
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("domain=x.example", "status=deferred",
                "relay=mx1.x.example ", "policy=dane", "dsn=4.7.5", "reply=\"TLSA lookup bogus: RRSIG expired\""));
        assertThat(recipientLines()).singleElement().asString()
                .contains("status=deferred", "relay=mx1.x.example ", "dsn=4.7.5", "TLSA lookup bogus: RRSIG expired");
    }

    @Test
    void bogusTlsaOnPrimaryDeliversViaTheBackupNeverOpportunisticOnThePrimaryDane05() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example", "mx2.x.example");
        tlsaAt("mx1.x.example", new DnsResult.Failure<>(DnsResult.FailureKind.BOGUS, "RRSIG expired"));
        tlsaAt("mx2.x.example", secure(DANE_EE));
        QueueId id = send();
        assertThat(connector.opens).containsExactly("mx2.x.example");
        assertThat(queue.completed).containsExactly(id);
        assertThat(lines()).anySatisfy(l -> assertThat(l).contains("relay=mx1.x.example ", "dsn=4.7.5"));
        assertThat(recipientLines()).singleElement().asString().contains("status=sent", "tls=dane-ee");
    }

    @Test
    void validatorBrokenTlsaFailuresNeverDeliverAsIfDaneWereAbsent() throws Exception {
        // Issue acceptance 3: the resolver stops validating; every TLSA question fails (FakeTlsa's default).
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example", "mx2.x.example");
        QueueId id = send();
        assertThat(tlsa.asked).containsExactly("_25._tcp.mx1.x.example", "_25._tcp.mx2.x.example");
        assertThat(connector.opens).isEmpty();
        assertThat(queue.completed).doesNotContain(id);
        assertThat(recipientLines()).singleElement().asString().contains("status=deferred", "TLSA lookup failed");
    }

    @Test
    void bogusMxDefersWithoutConnectingDns02() throws Exception {
        signed("x.example", DnssecStatus.BOGUS, "mx1.x.example");
        QueueId id = send();
        assertThat(connector.opens).isEmpty();
        assertThat(tlsa.asked).isEmpty();
        assertThat(queue.completed).doesNotContain(id);
        assertThat(recipientLines()).singleElement().asString().contains("status=deferred", "dsn=4.4.3");
    }

    @Test
    void daneFailureOnEveryHostDefers475NamingEachHostAndNeverBouncesDane07() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example", "mx2.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        tlsaAt("mx2.x.example", secure(DANE_EE));
        connector.failing.put("mx1.x.example",
                new SessionFailure.TlsRequired("no TLSA record matched: leaf SPKI sha256 0123"));
        connector.failing.put("mx2.x.example",
                new SessionFailure.TlsRequired("STARTTLS not offered but DANE TLSA records require TLS"));
        QueueId id = send();
        assertThat(connector.opens).containsExactly("mx1.x.example", "mx2.x.example");
        assertThat(queue.completed).doesNotContain(id);
        assertThat(dsn.written).isEmpty();
        assertThat(recipientLines()).singleElement().asString().contains("status=deferred", "dsn=4.7.5",
                "policy=dane ", "mx1.x.example: no TLSA record matched: leaf SPKI sha256 0123",
                "mx2.x.example: STARTTLS not offered but DANE TLSA records require TLS");
        assertThat(lines()).filteredOn(l -> l.contains("domain=x.example")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("dsn=4.7.5", "policy=dane"));
    }

    @Test
    void daneFailureDoesNotMarkTheDestinationDeadQue04() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        connector.failing.put("mx1.x.example", new SessionFailure.TlsRequired("no TLSA record matched: leaf"));
        send();
        send();
        // A dead destination would refuse the second message without a connection.
        assertThat(connector.opens).containsExactly("mx1.x.example", "mx1.x.example");
        assertThat(recipientLines()).noneSatisfy(l -> assertThat(l).contains("destination unreachable"));
    }

    @Test
    void connectFailuresStillMarkTheDestinationDeadQue04() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        connector.refusing.add("mx1.x.example");
        send();
        send();
        assertThat(connector.opens).containsExactly("mx1.x.example");
    }

    @Test
    void daneOnlyWithInsecureMxDefersWithoutConnectionDane16() throws Exception {
        scheduler.close();
        scheduler = scheduler(PolicyMap.parse("test map", List.of("x.example dane-only")));
        signed("x.example", DnssecStatus.INSECURE, "mx1.x.example");
        QueueId id = send();
        assertThat(connector.opens).isEmpty();
        assertThat(queue.completed).doesNotContain(id);
        assertThat(recipientLines()).singleElement().asString()
                .contains("status=deferred", "policy=dane-only", "dsn=4.7.5");
    }

    @Test
    void daneOnlyDeliversOverDaneAndLogsDaneOnlyDane16() throws Exception {
        scheduler.close();
        scheduler = scheduler(PolicyMap.parse("test map", List.of("x.example dane-only")));
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        send();
        assertThat(recipientLines()).singleElement().asString().contains("status=sent", "tls=dane-ee",
                "policy=dane-only");
    }

    @Test
    void aDaneSessionIsNotReusedForAnotherPlan() throws Exception {
        signed("x.example", DnssecStatus.SECURE, "mx1.x.example");
        tlsaAt("mx1.x.example", secure(DANE_EE));
        send();
        // The zone drops its TLSA records: the next message must not ride on the DANE session, nor the
        // reverse; a session is only reused under an equal plan.
        tlsaAt("mx1.x.example", noTlsa());
        send();
        assertThat(connector.plans).hasSize(2);
        assertThat(connector.plans.get(1)).isInstanceOf(TlsPlan.Opportunistic.class);
        tlsaAt("mx1.x.example", secure(DANE_EE));
        send();
        assertThat(connector.plans).hasSize(2);
        assertThat(connector.resets.get()).isEqualTo(1);
    }
}
