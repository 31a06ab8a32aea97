package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.AddressPreference;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnsjavaResolver;
import dev.rampart.policy.dns.DnssecMode;
import dev.rampart.policy.dns.DnssecSelfCheck;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.dns.ResolverSettings;
import dev.rampart.policy.dns.TrustAnchors;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process validation against a real authoritative server: NSD serves the test TLD and a child zone,
 * both signed by ldns-signzone, and the relay's validator starts from the TLD's DS written as a
 * dns.trust-anchors file (DNS-01, DNS-02, DNS-04).
 */
class DnssecValidationIT {

    private static final String TLSA_HEX = "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6";

    @TempDir
    Path dir;

    @Test
    void signedAnswersFromNsdValidateSecureAndAForeignAnchorMakesThemBogus() throws Exception {
        LdnsZoneSigner signer = new LdnsZoneSigner(dir.resolve("keys"));
        TestZones zones = new TestZones().zone("secure.test")
                .mx("secure.test", 10, "mx.secure.test")
                .a("mx.secure.test", HostTools.loopback("127.0.25.3"))
                .add("_25._tcp.mx.secure.test", "TLSA", "3 1 1 " + TLSA_HEX)
                .add("alias.secure.test", "CNAME", "_25._tcp.mx.secure.test.");
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (NsdServer nsd = NsdServer.start(zones, dir.resolve("nsd"), signer)) {
            List<InetSocketAddress> upstream = List.of(new InetSocketAddress(nsd.address(), nsd.port()));
            TrustAnchors anchors = TrustAnchors.fromFile(signer.trustAnchor(dir.resolve("test-anchor.zone")));
            DnsjavaResolver resolver = new DnsjavaResolver(upstream,
                    ResolverSettings.defaults(Duration.ofSeconds(10), AddressPreference.IPV4_FIRST, DnssecMode.VALIDATE),
                    anchors, InstantSource.system(), executor);

            DnsResult<MxRecord> mx = get(resolver.mx("secure.test"));
            assertThat(mx).isEqualTo(new DnsResult.Records<>(List.of(new MxRecord(10, "mx.secure.test")),
                    DnssecStatus.SECURE, "secure.test", Duration.ofSeconds(30)));

            DnsResult<TlsaRecord> tlsa = get(resolver.tlsa("alias.secure.test"));
            assertThat(tlsa).isEqualTo(new DnsResult.Records<>(
                    List.of(new TlsaRecord(3, 1, 1, HexFormat.of().parseHex(TLSA_HEX))),
                    DnssecStatus.SECURE, "_25._tcp.mx.secure.test", Duration.ofSeconds(30)));

            assertThat(get(resolver.mx("missing.secure.test")))
                    .isEqualTo(new DnsResult.NxDomain<MxRecord>(DnssecStatus.SECURE, "missing.secure.test"));

            DnssecSelfCheck check = new DnssecSelfCheck(resolver, DnssecMode.VALIDATE, "secure.test", List.of(),
                    InstantSource.system());
            DnssecSelfCheck.Health healthy = check.run().orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(healthy.ok()).as(healthy.reason()).isTrue();

            // Same server, an anchor for a different key: everything under test. is bogus, and the check says so.
            Path foreign = Files.writeString(dir.resolve("foreign.zone"),
                    "test. IN DS 4242 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
            DnsjavaResolver misanchored = new DnsjavaResolver(upstream,
                    ResolverSettings.defaults(Duration.ofSeconds(10), AddressPreference.IPV4_FIRST, DnssecMode.VALIDATE),
                    TrustAnchors.fromFile(foreign), InstantSource.system(), executor);
            assertThat(get(misanchored.mx("secure.test"))).isInstanceOfSatisfying(DnsResult.Failure.class,
                    f -> assertThat(f.kind()).as(f.reason()).isEqualTo(FailureKind.BOGUS));
            DnssecSelfCheck.Health broken = new DnssecSelfCheck(misanchored, DnssecMode.VALIDATE, "secure.test", List.of(),
                    InstantSource.system()).run().orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(broken.ok()).isFalse();
            assertThat(broken.reason()).contains("signed name secure.test did not resolve (bogus:");
        } finally {
            executor.shutdownNow();
        }
    }

    private static <T> DnsResult<T> get(CompletableFuture<DnsResult<T>> f) {
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }
}
