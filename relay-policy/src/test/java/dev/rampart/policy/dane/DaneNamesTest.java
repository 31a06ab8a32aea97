package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DANE-15 name matching (RFC 7672 §3.2.3), and which names a certificate presents. */
class DaneNamesTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "mx.example.com,       mx.example.com,      true",
            "MX.Example.COM.,      mx.example.com,      true",
            "mx.example.com,       MX.EXAMPLE.COM.,     true",
            "mx.example.com,       mx2.example.com,     false",
            "mx.example.com,       example.com,         false",
            "*.example.com,        mx1.example.com,     true",
            "*.EXAMPLE.com,        Mx1.example.COM.,    true",
            "*.example.com,        a.b.example.com,     false",
            "*.example.com,        example.com,         false",
            "*.example.com,        mx.example.net,      false",
            "smtp*.example.com,    smtp1.example.com,   false",
            "*smtp.example.com,    xsmtp.example.com,   false",
            "s*p.example.com,      smtp.example.com,    false",
            "mx.*.example.com,     mx.a.example.com,    false",
            "*.*.example.com,      a.b.example.com,     false",
            "*.com,                example.com,         false",
            "*,                    example,             false",
            "xn--bcher-kva.example, bücher.example,     true",
            "*.xn--bcher-kva.example, mx.BÜCHER.example, true",
            "'',                   mx.example.com,      false",
            "mx.example.com,       '',                  false",
            "mx..example.com,      mx..example.com,     false",
    })
    void wildcardOnlyAsWholeLeftmostLabel_DANE15(String presented, String reference, boolean expected) {
        assertThat(DaneNames.matches(presented, reference)).isEqualTo(expected);
    }

    @Test
    void sanDnsNamesWhenPresent_DANE15() {
        TestPki.Issued cert = TestPki.cert("CN=cn.example.com").san("a.example.com", "b.example.com").selfSigned();
        assertThat(DaneNames.presentedNames(cert.cert())).containsExactly("a.example.com", "b.example.com");
        assertThat(DaneNames.match(cert.cert(), List.of("cn.example.com"))).as("CN ignored when SAN exists").isEmpty();
        assertThat(DaneNames.match(cert.cert(), List.of("x.example.com", "b.example.com"))).hasValue("b.example.com");
    }

    @Test
    void commonNameOnlyWithoutSan_DANE15() {
        TestPki.Issued cert = TestPki.cert("CN=mx.example.com,O=Example").selfSigned();
        assertThat(DaneNames.presentedNames(cert.cert())).containsExactly("mx.example.com");
        assertThat(DaneNames.match(cert.cert(), List.of("mx.example.com"))).hasValue("mx.example.com");
    }

    @Test
    void mostSpecificCommonNameCounts_DANE15() {
        // RFC 2253 order lists the most specific RDN first.
        TestPki.Issued cert = TestPki.cert("CN=mx.example.com,OU=Mail,CN=example.com").selfSigned();
        assertThat(DaneNames.presentedNames(cert.cert())).containsExactly("mx.example.com");
    }

    @Test
    void noNamesAtAll_DANE15() {
        TestPki.Issued cert = TestPki.cert("O=Example").selfSigned();
        assertThat(DaneNames.presentedNames(cert.cert())).isEmpty();
        assertThat(DaneNames.match(cert.cert(), List.of("example.com"))).isEmpty();
    }
}
