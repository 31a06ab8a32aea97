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
 * {@code dns.dnssec: trust-ad} against a real validating resolver: Unbound on loopback, validating the
 * ldns-signed test TLD served by NSD. Its AD bit becomes SECURE; its SERVFAIL with a DNSSEC extended
 * error becomes BOGUS with Unbound's reason (DNS-01, DNS-03).
 */
class TrustAdIT {

    private static final String TLSA_HEX = "0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6";

    @TempDir
    Path dir;

    @Test
    void adFromAValidatingLoopbackResolverIsSecureAndItsDnssecFailuresAreBogus() throws Exception {
        LdnsZoneSigner signer = new LdnsZoneSigner(dir.resolve("keys"));
        TestZones zones = new TestZones().zone("secure.test")
                .mx("secure.test", 10, "mx.secure.test")
                .a("mx.secure.test", HostTools.loopback("127.0.25.3"))
                .add("_25._tcp.mx.secure.test", "TLSA", "3 1 1 " + TLSA_HEX);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (NsdServer nsd = NsdServer.start(zones, dir.resolve("nsd"), signer)) {
            Path anchor = signer.trustAnchor(dir.resolve("test-anchor.zone"));
            try (UnboundResolver unbound = UnboundResolver.start(nsd, anchor, dir.resolve("unbound"))) {
                DnsjavaResolver resolver = trustAd(unbound, executor);
                assertThat(get(resolver.mx("secure.test"))).as(unbound::diagnostics).isInstanceOfSatisfying(
                        DnsResult.Records.class, r -> assertThat(r.status()).isEqualTo(DnssecStatus.SECURE));
                DnsResult<TlsaRecord> tlsa = get(resolver.tlsa("_25._tcp.mx.secure.test"));
                if (!(tlsa instanceof DnsResult.Records<TlsaRecord> r)) {
                    throw new AssertionError("TLSA lookup gave " + tlsa);
                }
                assertThat(r.status()).isEqualTo(DnssecStatus.SECURE);
                assertThat(r.records()).containsExactly(new TlsaRecord(3, 1, 1, HexFormat.of().parseHex(TLSA_HEX)));
                DnssecSelfCheck.Health h = new DnssecSelfCheck(resolver, DnssecMode.TRUST_AD, "secure.test", List.of(),
                        InstantSource.system()).run().orTimeout(30, TimeUnit.SECONDS).join();
                assertThat(h.ok()).as(h.reason()).isTrue();
            }

            Path foreign = Files.writeString(dir.resolve("foreign.zone"),
                    "test. IN DS 4242 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
            try (UnboundResolver misanchored = UnboundResolver.start(nsd, foreign, dir.resolve("unbound-foreign"))) {
                DnsResult<MxRecord> mx = get(trustAd(misanchored, executor).mx("secure.test"));
                assertThat(mx).as(misanchored::diagnostics).isInstanceOfSatisfying(DnsResult.Failure.class, f -> {
                    assertThat(f.kind()).as(f.reason()).isEqualTo(FailureKind.BOGUS);
                    assertThat(f.reason()).endsWith(" for secure.test/MX");
                });
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static DnsjavaResolver trustAd(UnboundResolver unbound, ExecutorService executor) {
        return new DnsjavaResolver(List.of(new InetSocketAddress(unbound.address(), 53)),
                ResolverSettings.defaults(Duration.ofSeconds(10), AddressPreference.IPV4_FIRST, DnssecMode.TRUST_AD),
                InstantSource.system(), executor);
    }

    private static <T> DnsResult<T> get(CompletableFuture<DnsResult<T>> f) {
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }
}
