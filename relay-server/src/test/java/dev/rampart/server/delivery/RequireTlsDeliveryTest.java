package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.PolicyMap;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.queue.BodyType;
import dev.rampart.queue.MessageParams;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientSpec;
import dev.rampart.queue.RecipientState;
import dev.rampart.queue.Ret;
import dev.rampart.queue.TlsTag;
import dev.rampart.server.config.RampartConfig;
import dev.rampart.server.delivery.dsn.DsnAction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * REQUIRETLS on the outbound side (row 21, POL-09, QUE-18, RFC 8689 §4.2.1): the scheduler with the real
 * Netty client against an in-process SMTP server. Both MX hosts of {@code rt.example} live on the one
 * loopback server and authenticate by DANE-EE; whether a session's post-TLS EHLO announces REQUIRETLS is
 * chosen per host (by connection order).
 */
class RequireTlsDeliveryTest {
    private static final String DOMAIN = "rt.example";
    private static final String MX1 = "mx1.rt.example";
    private static final String MX2 = "mx2.rt.example";
    private static final TestCertificates.ServerCert CERT = TestCertificates.selfSigned("mx.rt.example");

    private final InMemoryQueue queue = new InMemoryQueue(InstantSource.system());
    private final SchedulerFakes.FakeMx mx = new SchedulerFakes.FakeMx();
    private final SchedulerFakes.FakeTlsa tlsa = new SchedulerFakes.FakeTlsa();
    private final SchedulerFakes.FakeDsn dsn = new SchedulerFakes.FakeDsn();
    /** Connection numbers (1-based, in order) whose post-TLS EHLO announces REQUIRETLS. */
    private final Set<Integer> announcing = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> ehlos = new ConcurrentHashMap<>();
    private FakeSmtpServer server;
    private DeliveryScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        server.tls = CERT.serverContext();
        server.reply = (conn, line) -> {
            if (!FakeSmtpServer.verb(line).equals("EHLO")) {
                return null;
            }
            int n = ehlos.computeIfAbsent(conn, c -> new AtomicInteger()).incrementAndGet();
            if (n < 2 || !announcing.contains(conn)) {
                return null; // pre-TLS EHLO, or a server without the extension
            }
            return "250-fake.example greets you\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 REQUIRETLS";
        };
        RampartConfig config = TestFixtures.config(TestFixtures.delivery(server.port(), Duration.ofSeconds(10)),
                List.of(Duration.ofMinutes(30)), Duration.ofDays(5), Duration.ofDays(2), Duration.ofHours(4));
        scheduler = new DeliveryScheduler(config, queue, new DestinationPlanner(mx, tlsa, PolicyMap.EMPTY), dsn,
                new SimpleMeterRegistry(), InstantSource.system());
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        server.close();
    }

    /** Secure MX RRset; each host at loopback with a secure {@code 3 1 1} record for the server's key. */
    private void daneDomain(DnssecStatus mxStatus) throws Exception {
        byte[] spki = MessageDigest.getInstance("SHA-256").digest(CERT.certificate().getPublicKey().getEncoded());
        List<MxHost> hosts = new ArrayList<>();
        int pref = 10;
        for (String host : List.of(MX1, MX2)) {
            hosts.add(new MxHost(host, pref, List.of(InetAddress.getLoopbackAddress()), mxStatus));
            pref += 10;
            tlsa.answers.put("_25._tcp." + host, new DnsResult.Records<>(List.of(new TlsaRecord(3, 1, 1, spki)),
                    DnssecStatus.SECURE, "_25._tcp." + host, Duration.ofHours(1)));
        }
        mx.answers.put(DOMAIN, new MxResolution.Hosts(DOMAIN, hosts, mxStatus, false, List.of()));
    }

    private static MessageParams requireTls(String sender) {
        return new MessageParams(sender, BodyType.SEVEN_BIT, false, "", Ret.FULL, TlsTag.REQUIRE_TLS,
                "client [127.0.0.1]", "");
    }

    private QueueId send(String sender) throws Exception {
        QueueId id = queue.add(requireTls(sender), List.of(RecipientSpec.of("a@" + DOMAIN)), "Subject: t\r\n\r\nsecret\r\n");
        scheduler.runOnce().join();
        return id;
    }

    private List<String> mailCommands() {
        return server.lines().stream().filter(l -> FakeSmtpServer.verb(l).equals("MAIL")).toList();
    }

    @Test
    void row21_hostWithoutRequireTlsIsPassedOverForTheNextWhichGetsMailFromRequireTls() throws Exception {
        daneDomain(DnssecStatus.SECURE);
        announcing.add(2);
        QueueId id = send("s@origin.example");
        assertThat(queue.completed).containsExactly(id);
        assertThat(mailCommands()).containsExactly("MAIL FROM:<s@origin.example> REQUIRETLS");
        assertThat(server.commands).filteredOn(c -> FakeSmtpServer.verb(c.line()).equals("MAIL"))
                .allSatisfy(c -> {
                    assertThat(c.tls()).isTrue();
                    assertThat(c.connection()).isEqualTo(2);
                });
        assertThat(dsn.written).isEmpty();
    }

    @Test
    void que18_noHostAnnouncesRequireTlsBounces5730AndNothingIsSent() throws Exception {
        daneDomain(DnssecStatus.SECURE);
        QueueId id = send("s@origin.example");
        assertThat(mailCommands()).isEmpty();
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).singleElement().satisfies(r -> {
            assertThat(r.action()).isEqualTo(DsnAction.FAILED);
            assertThat(r.statuses()).containsExactly("5.7.30");
            assertThat(r.recipients().getFirst().lastDiagnostic()).contains(MX1).contains(MX2).contains("REQUIRETLS");
        });
        // QUE-18: the notice itself carries REQUIRETLS.
        assertThat(queue.entries()).filteredOn(e -> e.envelope.params().nullSender()).singleElement()
                .satisfies(e -> assertThat(e.envelope.params().tls()).isEqualTo(TlsTag.REQUIRE_TLS));
    }

    @Test
    void row21_pol09_noAuthenticatedPathBounces5710WithoutAnyConnection() throws Exception {
        // Insecure MX RRset, no MTA-STS: only opportunistic TLS would be possible.
        mx.answers.put(DOMAIN, new MxResolution.Hosts(DOMAIN, List.of(new MxHost(MX1, 10,
                List.of(InetAddress.getLoopbackAddress()), DnssecStatus.INSECURE)), DnssecStatus.INSECURE, false, List.of()));
        QueueId id = send("s@origin.example");
        assertThat(server.connections.get()).isZero();
        assertThat(queue.completed).containsExactly(id);
        assertThat(dsn.written).singleElement().satisfies(r -> assertThat(r.statuses()).containsExactly("5.7.10"));
    }

    @Test
    void que15_aTransientFailureOnOneHostDefersInsteadOfBouncing() throws Exception {
        daneDomain(DnssecStatus.SECURE);
        // mx1 lacks REQUIRETLS; mx2 answers EHLO with 421 (a transient failure, QUE-09).
        server.reply = (conn, line) -> conn == 2 && FakeSmtpServer.verb(line).equals("EHLO") ? "421 4.3.2 busy" : null;
        QueueId id = send("s@origin.example");
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(mailCommands()).isEmpty();
        assertThat(queue.completed).isEmpty();
        assertThat(queue.entry(id).envelope.recipients().getFirst().state()).isEqualTo(RecipientState.DEFERRED);
        assertThat(dsn.written).isEmpty();
    }

    @Test
    void que18_aRequireTlsNoticeIsSentWithRequireTlsWhereOffered() throws Exception {
        daneDomain(DnssecStatus.SECURE);
        announcing.add(1);
        QueueId id = send("");
        assertThat(queue.completed).containsExactly(id);
        assertThat(mailCommands()).containsExactly("MAIL FROM:<> REQUIRETLS");
    }

    @Test
    void que18_aRequireTlsNoticeIsNotDroppedWhereTheExtensionIsMissing() throws Exception {
        daneDomain(DnssecStatus.SECURE);
        QueueId id = send("");
        assertThat(queue.completed).containsExactly(id);
        assertThat(mailCommands()).singleElement().asString().startsWith("MAIL FROM:<>").doesNotContain("REQUIRETLS");
    }
}
