package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RPT-12: dotted-quad and RFC 5952 text. */
class IpTextTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "0:0:0:0:0:0:0:1, ::1",
            "0:0:0:0:0:0:0:0, ::",
            "2001:DB8:0:0:0:0:2:1, 2001:db8::2:1",
            "fe80:0:0:0:0:0:0:0, fe80::"})
    void canonicalText(String in, String out) throws Exception {
        assertThat(IpText.of(InetAddress.getByName(in))).isEqualTo(out);
    }
}
