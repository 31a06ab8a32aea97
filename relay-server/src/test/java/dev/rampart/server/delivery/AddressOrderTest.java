package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.server.config.RampartConfig.AddressPreference;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MX-09: addresses in resolver order, with the configured IPv4/IPv6 preference. */
class AddressOrderTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void preferenceIsStableWithinAFamilyMx09() throws Exception {
        List<InetAddress> resolver = List.of(ip("2001:db8::1"), ip("192.0.2.1"), ip("2001:db8::2"), ip("192.0.2.2"));
        assertThat(DomainDelivery.ordered(resolver, AddressPreference.ANY)).isEqualTo(resolver);
        assertThat(DomainDelivery.ordered(resolver, AddressPreference.IPV4))
                .containsExactly(ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::1"), ip("2001:db8::2"));
        assertThat(DomainDelivery.ordered(resolver, AddressPreference.IPV6))
                .containsExactly(ip("2001:db8::1"), ip("2001:db8::2"), ip("192.0.2.1"), ip("192.0.2.2"));
    }
}
