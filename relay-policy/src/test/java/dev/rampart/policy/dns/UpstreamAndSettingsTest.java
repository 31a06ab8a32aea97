package dev.rampart.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rampart.policy.dns.testing.FakeDnsServer;
import dev.rampart.policy.dns.testing.FakeDnsServer.Fault;
import dev.rampart.policy.dns.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.SimpleResolver;

/** Building the upstream from a server list, and the limits {@link ResolverSettings} enforces (DNS-06). */
class UpstreamAndSettingsTest {

    @Test
    void failureCacheTimeAbove60SecondsIsRefused_DNS06() {
        assertThatThrownBy(() -> new ResolverSettings(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.OFF,
                Duration.ofSeconds(61), Duration.ofMinutes(15), Duration.ofDays(1), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DNS-06");
        assertThat(new ResolverSettings(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.OFF,
                Duration.ofSeconds(60), Duration.ofMinutes(15), Duration.ofDays(1), 100).failureTtl())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void nonPositiveTimeoutIsRefused() {
        assertThatThrownBy(() -> ResolverSettings.defaults(Duration.ZERO, AddressPreference.IPV4_FIRST, DnssecMode.OFF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsCacheFailuresOnlyBriefly_DNS06() {
        assertThat(ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.OFF).failureTtl())
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void oneServerIsAskedDirectlySeveralThroughAnExtendedResolver() throws Exception {
        try (FakeDnsServer a = FakeDnsServer.start(); FakeDnsServer b = FakeDnsServer.start()) {
            assertThat(DnsjavaResolver.upstream(List.of(a.address()), Duration.ofSeconds(1))).isInstanceOf(SimpleResolver.class);
            assertThat(DnsjavaResolver.upstream(List.of(a.address(), b.address()), Duration.ofSeconds(1)))
                    .isInstanceOf(ExtendedResolver.class);
        }
    }

    @Test
    void deadFirstServerFailsOverToTheSecond() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (FakeDnsServer dead = FakeDnsServer.start(); FakeDnsServer alive = FakeDnsServer.start()) {
            dead.fault("example.test.", Fault.DROP);
            alive.add("example.test. 300 IN MX 10 mx.example.test.");
            DnsjavaResolver resolver = new DnsjavaResolver(List.of(dead.address(), alive.address()),
                    ResolverSettings.defaults(Duration.ofSeconds(2), AddressPreference.IPV4_FIRST, DnssecMode.OFF),
                    new ManualClock(), executor);
            DnsResult<MxRecord> r = resolver.mx("example.test").orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(r).isInstanceOf(DnsResult.Records.class);
            assertThat(dead.queries("example.test", "MX")).as("asked first, never answered").isEqualTo(1);
            assertThat(alive.queries("example.test", "MX")).isEqualTo(1);
        } finally {
            executor.shutdownNow();
        }
    }
}
