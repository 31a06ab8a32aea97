package dev.rampart.policy.sts.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** STS-18: chain to a configured anchor, unexpired, SAN dNSName = the MX host (wildcard leftmost only), CN ignored. */
class PkixPeerCheckTest {
    private static final StsTestPki.Issued CA = StsTestPki.ca("PKIX Test CA");
    private static final StsTestPki.Issued OTHER_CA = StsTestPki.ca("Unrelated CA");

    private static PkixPeerCheck check(String... names) throws Exception {
        return new PkixPeerCheck(StsTrust.of(List.of(CA.cert()), false).trustManager(), List.of(names));
    }

    private static X509Certificate[] chain(StsTestPki.Issued leaf) {
        return new X509Certificate[] {leaf.cert(), leaf.issuer()};
    }

    @Test
    void sts18_exactSanMatchPasses() throws Exception {
        var leaf = StsTestPki.server(CA, "ignored.example", "mx.example.org");
        assertThat(check("mx.example.org").problem(chain(leaf), "ECDHE_RSA")).isEmpty();
        check("MX.Example.ORG").checkServerTrusted(chain(leaf), "ECDHE_RSA");
    }

    @Test
    void sts18_wildcardCoversExactlyTheLeftmostLabel() throws Exception {
        var leaf = StsTestPki.server(CA, "x", "*.example.org");
        assertThat(check("mx.example.org").problem(chain(leaf), "RSA")).isEmpty();
        assertThat(check("a.mx.example.org").problem(chain(leaf), "RSA")).get().asString().contains("do not match");
        assertThat(check("example.org").problem(chain(leaf), "RSA")).get().asString().contains("do not match");
    }

    @Test
    void sts18_commonNameIsIgnored() throws Exception {
        var leaf = StsTestPki.server(CA, "mx.example.org", "other.example.org");
        assertThat(check("mx.example.org").problem(chain(leaf), "RSA")).get().asString()
                .contains("[other.example.org]").contains("CN ignored");
    }

    @Test
    void sts18_untrustedChainFails() throws Exception {
        var leaf = StsTestPki.server(OTHER_CA, "x", "mx.example.org");
        assertThat(check("mx.example.org").problem(chain(leaf), "RSA")).get().asString().startsWith("certificate chain not trusted");
        assertThatThrownBy(() -> check("mx.example.org").checkServerTrusted(chain(leaf), "RSA"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void sts18_expiredCertificateFails() throws Exception {
        Instant now = Instant.now();
        var leaf = StsTestPki.server(CA, "x", now.minus(10, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS), "mx.example.org");
        assertThat(check("mx.example.org").problem(chain(leaf), "RSA")).get().asString().startsWith("certificate chain not trusted");
    }

    @Test
    void anyOfSeveralReferenceIdsIsEnough() throws Exception {
        var leaf = StsTestPki.server(CA, "x", "example.org");
        assertThat(check("mx.example.org", "example.org").problem(chain(leaf), "RSA")).isEmpty();
    }

    @Test
    void emptyChainIsAProblemNotACrash() throws Exception {
        assertThat(check("mx.example.org").problem(new X509Certificate[0], "RSA")).contains("the server presented no certificate");
    }
}
