package dev.rampart.policy.dns;

import static dev.rampart.policy.dns.testing.DnsAssertions.assertRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.testing.FakeDnsServer;
import dev.rampart.policy.dns.testing.ManualClock;
import dev.rampart.policy.dns.testing.SignedZone;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In-process DNSSEC validation (VALIDATE mode) against zones signed in the test with ECDSA P-256 and
 * served on loopback; the zone's own DS is the only trust anchor (DNS-01..DNS-04, DNS-06).
 */
class DnssecValidationTest {

    private static final String TLSA_HEX = "e47e38fa2a6e3f6e9b1c0de1a3bd5f1dd27a8f2c3b4f5e6d7c8b9a0f1e2d3c4b";

    private final ManualClock clock = new ManualClock();
    private FakeDnsServer server;
    private ExecutorService executor;
    private SignedZone signed;

    @BeforeEach
    void start() throws Exception {
        executor = Executors.newFixedThreadPool(2);
        server = FakeDnsServer.start();
        signed = SignedZone.builder("signed.test.").at(clock.instant())
                .add("signed.test. 300 IN MX 10 mx.signed.test.",
                        "mx.signed.test. 300 IN A 192.0.2.25",
                        "_25._tcp.mx.signed.test. 300 IN TLSA 3 1 1 " + TLSA_HEX,
                        "alias.signed.test. 300 IN CNAME _25._tcp.mx.signed.test.",
                        "to-forged.signed.test. 300 IN CNAME forged.signed.test.",
                        "_25._tcp.out.signed.test. 300 IN CNAME www.child.signed.test.",
                        "expired.signed.test. 300 IN A 192.0.2.1",
                        "forged.signed.test. 300 IN TLSA 3 1 1 " + TLSA_HEX)
                .delegateUnsigned("child.signed.test.")
                .expiredSignature("expired.signed.test.", "A")
                .wrongSignature("forged.signed.test.", "TLSA")
                .sign();
        SignedZone child = SignedZone.builder("child.signed.test.")
                .add("www.child.signed.test. 300 IN A 192.0.2.80",
                        "www.child.signed.test. 300 IN TLSA 3 1 1 " + TLSA_HEX)
                .unsigned();
        server.serve(signed, child);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private DnsjavaResolver validating(String anchors) {
        return new DnsjavaResolver(List.of(server.address()),
                ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.VALIDATE),
                TrustAnchors.parse(anchors, "test anchors"), clock, executor);
    }

    private static <T> DnsResult<T> get(CompletableFuture<DnsResult<T>> f) {
        return f.orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Test
    void signedAnswersAreSecure_DNS01() {
        DnsjavaResolver r = validating(signed.dsAnchor());
        assertRecords(get(r.mx("signed.test")), rec -> {
            assertThat(rec.status()).isEqualTo(DnssecStatus.SECURE);
            assertThat(rec.records()).containsExactly(new MxRecord(10, "mx.signed.test"));
        });
        assertRecords(get(r.tlsa("_25._tcp.mx.signed.test")), rec -> {
            assertThat(rec.status()).isEqualTo(DnssecStatus.SECURE);
            assertThat(rec.records()).containsExactly(new TlsaRecord(3, 1, 1, HexFormat.of().parseHex(TLSA_HEX)));
        });
    }

    @Test
    void dnskeyAnchorWorksLikeDsAnchor_DNS01() {
        DnsjavaResolver r = validating(signed.dnskeyAnchor());
        assertThat(status(get(r.addresses("mx.signed.test")))).isEqualTo(DnssecStatus.SECURE);
    }

    @Test
    void securelyDeniedNameIsAnAnswerNotAnError_DNS02() {
        DnsResult<MxRecord> r = get(validating(signed.dsAnchor()).mx("nothing.signed.test"));
        assertThat(r).isEqualTo(new DnsResult.NxDomain<MxRecord>(DnssecStatus.SECURE, "nothing.signed.test"));
        DnsResult<TlsaRecord> noData = get(validating(signed.dsAnchor()).tlsa("mx.signed.test"));
        assertThat(noData).isEqualTo(new DnsResult.NoData<TlsaRecord>(DnssecStatus.SECURE, "mx.signed.test"));
    }

    @Test
    void expiredSignatureIsBogusWithTheValidatorsReason_DNS03() {
        DnsResult<InetAddress> r = get(validating(signed.dsAnchor()).addresses("expired.signed.test"));
        assertThat(r).isInstanceOfSatisfying(DnsResult.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.BOGUS);
            assertThat(f.reason()).containsIgnoringCase("expired").contains("expired.signed.test");
        });
    }

    @Test
    void wrongSignatureIsBogus_DNS03() {
        DnsResult<TlsaRecord> r = get(validating(signed.dsAnchor()).tlsa("forged.signed.test"));
        assertThat(r).isInstanceOfSatisfying(DnsResult.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.BOGUS);
            assertThat(f.reason()).contains("forged.signed.test").isNotEqualTo("upstream answered SERVFAIL");
        });
    }

    @Test
    void unsignedDelegationProvenByNsecIsInsecure_DNS02() {
        DnsResult<InetAddress> r = get(validating(signed.dsAnchor()).addresses("www.child.signed.test"));
        assertRecords(r, rec -> assertThat(rec.status()).isEqualTo(DnssecStatus.INSECURE));
    }

    @Test
    void nameUnderNoAnchorIsInsecure_DNS02() {
        server.add("plain.other. 300 IN A 192.0.2.9");
        DnsResult<InetAddress> r = get(validating(signed.dsAnchor()).addresses("plain.other"));
        assertRecords(r, rec -> assertThat(rec.status()).isEqualTo(DnssecStatus.INSECURE));
    }

    @Test
    void secureCnameToSecureTargetStaysSecure_DNS04_DANE04() {
        DnsResult<TlsaRecord> r = get(validating(signed.dsAnchor()).tlsa("alias.signed.test"));
        assertRecords(r, rec -> {
            assertThat(rec.status()).isEqualTo(DnssecStatus.SECURE);
            assertThat(rec.canonicalName()).isEqualTo("_25._tcp.mx.signed.test");
        });
    }

    @Test
    void secureCnameToInsecureTargetIsInsecure_DNS04() {
        DnsResult<TlsaRecord> r = get(validating(signed.dsAnchor()).tlsa("_25._tcp.out.signed.test"));
        assertRecords(r, rec -> {
            assertThat(rec.status()).isEqualTo(DnssecStatus.INSECURE);
            assertThat(rec.canonicalName()).isEqualTo("www.child.signed.test");
            assertThat(rec.records()).hasSize(1);
        });
    }

    @Test
    void secureCnameToBogusTargetFailsTheLookup_DNS04() {
        DnsResult<TlsaRecord> r = get(validating(signed.dsAnchor()).tlsa("to-forged.signed.test"));
        assertThat(r).isInstanceOfSatisfying(DnsResult.Failure.class,
                f -> assertThat(f.kind()).as(f.reason()).isEqualTo(FailureKind.BOGUS));
    }

    @Test
    void anchorThatDoesNotMatchMakesSignedDataBogus_DNS01() {
        SignedZone other = SignedZone.builder("signed.test.").at(clock.instant()).sign(); // same name, other key
        DnsResult<MxRecord> r = get(validating(other.dsAnchor()).mx("signed.test"));
        assertThat(r).isInstanceOfSatisfying(DnsResult.Failure.class,
                f -> assertThat(f.kind()).isEqualTo(FailureKind.BOGUS));
    }

    @Test
    void bogusIsCachedOnlyForTheFailureTtl_DNS06() {
        DnsjavaResolver r = validating(signed.dsAnchor());
        assertThat(get(r.tlsa("forged.signed.test"))).isInstanceOf(DnsResult.Failure.class);
        int asked = server.queries("forged.signed.test", "TLSA");
        get(r.tlsa("forged.signed.test"));
        assertThat(server.queries("forged.signed.test", "TLSA")).as("cached within the failure TTL").isEqualTo(asked);
        clock.advance(Duration.ofSeconds(6));
        get(r.tlsa("forged.signed.test"));
        assertThat(server.queries("forged.signed.test", "TLSA")).as("asked again after it").isGreaterThan(asked);
    }

    @Test
    void upstreamServfailWithoutDnssecErrorIsAFailureNotBogus_DNS03() {
        server.fault("mx.signed.test", FakeDnsServer.Fault.SERVFAIL);
        DnsResult<InetAddress> r = get(validating(signed.dsAnchor()).addresses("mx.signed.test"));
        assertThat(r).isInstanceOfSatisfying(DnsResult.Failure.class,
                f -> assertThat(f.kind()).as(f.reason()).isNotEqualTo(FailureKind.BOGUS));
    }

    @Test
    void upstreamFailingTheValidatorsKeyQuestionIsAFailureNamingIt_DNS03() {
        server.fault("signed.test", "DNSKEY", FakeDnsServer.Fault.SERVFAIL);
        DnsResult<InetAddress> r = get(validating(signed.dsAnchor()).addresses("mx.signed.test"));
        assertThat(r).isInstanceOfSatisfying(DnsResult.Failure.class, f -> {
            assertThat(f.kind()).as(f.reason()).isEqualTo(FailureKind.SERVFAIL);
            assertThat(f.reason()).contains("signed.test/DNSKEY").contains("mx.signed.test");
        });
    }

    @Test
    void trustAdIsRefusedForAnUpstreamOffLoopback_DNS01() throws Exception {
        ResolverSettings trustAd = ResolverSettings.defaults(Duration.ofSeconds(1), AddressPreference.IPV4_FIRST,
                DnssecMode.TRUST_AD);
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 53}), 53);
        assertThatThrownBy(() -> new DnsjavaResolver(List.of(server.address(), remote), trustAd, clock, executor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("192.0.2.53:53").hasMessageContaining("loopback");
        // Loopback upstreams are fine.
        DnsjavaResolver.requireLoopback(List.of(server.address(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)));
    }

    @Test
    void offModeReportsEverythingInsecureEvenWithAd_DNS01() {
        server.add("ad.other. 300 IN A 192.0.2.7").secure("ad.other.");
        DnsjavaResolver off = new DnsjavaResolver(List.of(server.address()),
                ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.OFF), clock, executor);
        assertThat(status(get(off.addresses("ad.other")))).isEqualTo(DnssecStatus.INSECURE);
        assertThat(status(get(off.mx("signed.test")))).isEqualTo(DnssecStatus.INSECURE);
    }

    static DnssecStatus status(DnsResult<?> r) {
        return switch (r) {
            case DnsResult.Records<?> rec -> rec.status();
            case DnsResult.NoData<?> n -> n.status();
            case DnsResult.NxDomain<?> n -> n.status();
            case DnsResult.Failure<?> f -> throw new AssertionError("lookup failed: " + f);
        };
    }
}
