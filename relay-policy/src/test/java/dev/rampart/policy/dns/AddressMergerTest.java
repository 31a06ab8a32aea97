package dev.rampart.policy.dns;

import static dev.rampart.policy.dns.testing.DnsAssertions.assertRecords;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How the separate A and AAAA answers become one address answer (MX-09, MX-13, DNS-05). */
class AddressMergerTest {

    private static final DnsResult<InetAddress> V4 = recs(DnssecStatus.SECURE, 300, "192.0.2.1", "192.0.2.2");
    private static final DnsResult<InetAddress> V6 = recs(DnssecStatus.SECURE, 60, "2001:db8::1", "2001:db8::2");

    @Test
    void bothFamiliesOrderedByPreference_MX09() {
        assertThat(addresses(AddressMerger.merge(V4, V6, AddressPreference.IPV4_FIRST)))
                .containsExactly(ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1"), ip("2001:db8::2"));
        assertThat(addresses(AddressMerger.merge(V4, V6, AddressPreference.IPV6_FIRST)))
                .containsExactly(ip("2001:db8::1"), ip("2001:db8::2"), ip("192.0.2.1"), ip("192.0.2.2"));
        assertThat(addresses(AddressMerger.merge(V4, V6, AddressPreference.RESOLVER_ORDER)))
                .containsExactly(ip("2001:db8::1"), ip("192.0.2.1"), ip("2001:db8::2"), ip("192.0.2.2"));
    }

    @Test
    void bothFamiliesCombineStatusAndTakeShortestTtl_DNS05() {
        DnsResult<InetAddress> merged = AddressMerger.merge(V4,
                recs(DnssecStatus.INSECURE, 60, "2001:db8::1"), AddressPreference.IPV4_FIRST);
        assertRecords(merged, r -> {
            assertThat(r.status()).isEqualTo(DnssecStatus.INSECURE);
            assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(60));
        });
    }

    @Test
    void recordsAndInsecureNodataIsInsecure_DNS05() {
        DnsResult<InetAddress> merged = AddressMerger.merge(V4, new DnsResult.NoData<>(DnssecStatus.INSECURE, "h"),
                AddressPreference.IPV6_FIRST);
        assertRecords(merged, r -> {
            assertThat(r.records()).hasSize(2);
            assertThat(r.status()).isEqualTo(DnssecStatus.INSECURE);
        });
    }

    @Test
    void failedFamilyDoesNotHideTheOther_MX13() {
        DnsResult<InetAddress> merged = AddressMerger.merge(new DnsResult.Failure<>(FailureKind.TIMEOUT, "t"), V6,
                AddressPreference.IPV4_FIRST);
        assertRecords(merged, r -> {
            assertThat(r.records()).containsExactly(ip("2001:db8::1"), ip("2001:db8::2"));
            assertThat(r.status()).isEqualTo(DnssecStatus.SECURE);
        });
    }

    @Test
    void failureWithoutRecordsIsAFailure() {
        DnsResult<InetAddress> merged = AddressMerger.merge(new DnsResult.NoData<>(DnssecStatus.INSECURE, "h"),
                new DnsResult.Failure<>(FailureKind.SERVFAIL, "s"), AddressPreference.IPV4_FIRST);
        assertThat(merged).isInstanceOf(DnsResult.Failure.class);
    }

    @Test
    void negativeAnswers() {
        DnsResult<InetAddress> nx = new DnsResult.NxDomain<>(DnssecStatus.SECURE, "h");
        DnsResult<InetAddress> nodata = new DnsResult.NoData<>(DnssecStatus.SECURE, "h");
        assertThat(AddressMerger.merge(nx, nx, AddressPreference.IPV4_FIRST)).isInstanceOf(DnsResult.NxDomain.class);
        assertThat(AddressMerger.merge(nodata, nx, AddressPreference.IPV4_FIRST)).isInstanceOf(DnsResult.NxDomain.class);
        assertThat(AddressMerger.merge(nodata, nodata, AddressPreference.IPV4_FIRST))
                .isEqualTo(new DnsResult.NoData<>(DnssecStatus.SECURE, "h"));
    }

    private static java.util.List<InetAddress> addresses(DnsResult<InetAddress> r) {
        assertThat(r).isInstanceOf(DnsResult.Records.class);
        return ((DnsResult.Records<InetAddress>) r).records();
    }

    private static DnsResult<InetAddress> recs(DnssecStatus status, long ttl, String... ips) {
        return new DnsResult.Records<>(Arrays.stream(ips).map(AddressMergerTest::ip).toList(), status, "h",
                Duration.ofSeconds(ttl));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
