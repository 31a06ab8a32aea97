package dev.rampart.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.testing.FakeDnsServer;
import dev.rampart.policy.dns.testing.FakeDnsServer.Fault;
import dev.rampart.policy.dns.testing.ManualClock;
import dev.rampart.policy.dane.TlsaRecord;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DnsMxLookup} end to end over the loopback DNS server, plus its orchestration with a scripted resolver. */
class DnsMxLookupTest {

    private FakeDnsServer server;
    private ExecutorService executor;
    private DnsMxLookup lookup;

    @BeforeEach
    void start() throws Exception {
        server = FakeDnsServer.start();
        executor = Executors.newFixedThreadPool(2);
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(server.address()),
                ResolverSettings.defaults(Duration.ofSeconds(2), AddressPreference.IPV4_FIRST, DnssecMode.TRUST_AD), new ManualClock(), executor);
        lookup = new DnsMxLookup(resolver, List.of("relay.ours.test"), List.of(InetAddress.getByName("198.51.100.25")),
                new SplittableRandom(7));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private MxResolution resolve(String nextHop) {
        return lookup.resolve(nextHop).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void mxHostsResolvedAndOrdered_MX03_MX09_MX12() throws Exception {
        server.add("example.test. 300 IN MX 20 mx2.example.test.", "example.test. 300 IN MX 10 mx1.example.test.",
                        "example.test. 300 IN MX 5 gone.example.test.",
                        "mx1.example.test. 300 IN A 192.0.2.1", "mx2.example.test. 300 IN AAAA 2001:db8::2",
                        "example.test. 300 IN A 192.0.2.99")
                .secure("example.test.", "mx1.example.test.");
        MxResolution r = resolve("Example.Test.");
        assertThat(r).isInstanceOfSatisfying(MxResolution.Hosts.class, h -> {
            assertThat(h.domain()).isEqualTo("example.test");
            assertThat(h.mxStatus()).isEqualTo(DnssecStatus.SECURE);
            assertThat(h.implicit()).isFalse();
            assertThat(h.hosts()).extracting(MxHost::name).containsExactly("mx1.example.test", "mx2.example.test");
            assertThat(h.hosts().get(0).addressStatus()).isEqualTo(DnssecStatus.SECURE);
            assertThat(h.hosts().get(1).addressStatus()).isEqualTo(DnssecStatus.INSECURE);
            assertThat(h.skipped()).singleElement().asString().contains("gone.example.test");
        });
        assertThat(server.queries("example.test", "A")).as("MX-08").isZero();
    }

    @Test
    void implicitMxWhenNoMx_MX06() {
        server.add("example.test. 300 IN A 192.0.2.7");
        assertThat(resolve("example.test")).isInstanceOfSatisfying(MxResolution.Hosts.class, h -> {
            assertThat(h.implicit()).isTrue();
            assertThat(h.hosts()).singleElement().satisfies(x -> assertThat(x.name()).isEqualTo("example.test"));
        });
    }

    @Test
    void nxdomainBounces_MX04() {
        assertThat(resolve("nowhere.test")).isInstanceOfSatisfying(MxResolution.Permanent.class,
                p -> assertThat(p.status()).isEqualTo("5.1.2"));
    }

    @Test
    void servfailDefersWithoutAddressFallback_MX05() {
        server.add("example.test. 300 IN A 192.0.2.7").fault("example.test.", "MX", Fault.SERVFAIL);
        assertThat(resolve("example.test")).isInstanceOfSatisfying(MxResolution.Temporary.class,
                t -> assertThat(t.status()).isEqualTo("4.4.3"));
        assertThat(server.queries("example.test", "A")).isZero();
        assertThat(server.queries("example.test", "AAAA")).isZero();
    }

    @Test
    void nullMxBouncesWithoutFurtherQueries_MX07() {
        server.add("example.test. 300 IN MX 0 .", "example.test. 300 IN A 192.0.2.7");
        assertThat(resolve("example.test")).isInstanceOfSatisfying(MxResolution.Permanent.class,
                p -> assertThat(p.status()).isEqualTo("5.1.10"));
        assertThat(server.totalQueries()).isEqualTo(1);
    }

    @Test
    void addressLiteralNeedsNoDns_MX02() {
        assertThat(resolve("[192.0.2.1]")).isInstanceOf(MxResolution.Hosts.class);
        assertThat(server.totalQueries()).isZero();
    }

    @Test
    void hostAddressLookupsRunConcurrently_MX13() {
        ScriptedResolver scripted = new ScriptedResolver();
        DnsMxLookup l = new DnsMxLookup(scripted, List.of(), List.of(), new SplittableRandom(1));
        scripted.mx.complete(new DnsResult.Records<>(List.of(new MxRecord(10, "a.test"), new MxRecord(20, "b.test")),
                DnssecStatus.INSECURE, "example.test", Duration.ofMinutes(5)));
        CompletableFuture<MxResolution> result = l.resolve("example.test");
        // Both address questions are in flight before either is answered.
        assertThat(scripted.addresses.keySet()).containsExactlyInAnyOrder("a.test", "b.test");
        assertThat(result).isNotDone();
        scripted.addresses.get("b.test").complete(new DnsResult.Records<>(List.of(InetAddress.getLoopbackAddress()),
                DnssecStatus.INSECURE, "b.test", Duration.ofMinutes(5)));
        assertThat(result).isNotDone();
        scripted.addresses.get("a.test").complete(new DnsResult.Failure<>(DnsResult.FailureKind.TIMEOUT, "t"));
        assertThat(result.join()).isInstanceOfSatisfying(MxResolution.Hosts.class,
                h -> assertThat(h.hosts()).extracting(MxHost::name).containsExactly("b.test"));
    }

    @Test
    void resolverThatBreaksItsContractDefersInsteadOfThrowing() {
        ScriptedResolver scripted = new ScriptedResolver();
        scripted.mx.completeExceptionally(new IllegalStateException("bug"));
        MxResolution r = new DnsMxLookup(scripted, List.of(), List.of(), new SplittableRandom(1))
                .resolve("example.test").join();
        assertThat(r).isInstanceOfSatisfying(MxResolution.Temporary.class, t -> assertThat(t.status()).isEqualTo("4.4.3"));
    }

    /** A resolver whose answers the test hands out by completing futures. */
    private static final class ScriptedResolver implements DnsResolver {
        final CompletableFuture<DnsResult<MxRecord>> mx = new CompletableFuture<>();
        final Map<String, CompletableFuture<DnsResult<InetAddress>>> addresses = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
            return mx;
        }

        @Override
        public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
            return addresses.computeIfAbsent(host, h -> new CompletableFuture<>());
        }

        @Override
        public CompletableFuture<DnsResult<String>> txt(String name) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
            return new CompletableFuture<>();
        }
    }
}
