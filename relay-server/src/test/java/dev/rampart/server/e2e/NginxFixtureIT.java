package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.StsMode;
import dev.rampart.policy.sts.fetch.HostResolver;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.policy.sts.fetch.StsPolicyFetcher;
import dev.rampart.policy.sts.fetch.StsTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy web server fixture alone ({@link NginxServer}), seen through the relay's own policy fetcher
 * ({@link StsPolicyFetcher}, RFC 8461 §3.3): a policy behind a certificate from the test CA is fetched and
 * parsed; the same server under trust that lacks the test CA is {@code sts-webpki-invalid} (STS-06); a
 * missing policy file is an HTTP 404 fetch error (STS-07); an unknown SNI name gets no certificate; a stopped
 * server refuses connections and a restarted one serves again. The fetcher resolves every policy host to the
 * fixture's loopback address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NginxFixtureIT {

    private static final String DOMAIN = "policy.test";
    private static final String OTHER = "second.test";
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.policy.test\nmx: *.backup.policy.test\n"
            + "max_age: 86400\n";

    private Path dir;
    private TestCertificates.Ca ca;
    private NginxServer nginx;
    private HostResolver toNginx;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        ca = TestCertificates.ca("STS Fixture CA", dir.resolve("ca"));
        nginx = NginxServer.builder()
                .site(DOMAIN, TestCertificates.issued(NginxServer.policyHost(DOMAIN), ca, dir.resolve("certs")))
                .site(OTHER, TestCertificates.issued(NginxServer.policyHost(OTHER), ca, dir.resolve("certs")))
                .start(dir.resolve("nginx"));
        toNginx = host -> List.of(nginx.address());
    }

    @AfterAll
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    private StsPolicyFetcher fetcher(TestCertificates.Ca trusted) throws Exception {
        return new StsPolicyFetcher(StsTrust.of(List.of(trusted.certificate()), false), toNginx,
                NginxServer.PORT, Duration.ofSeconds(20), StsPolicyFetcher.DEFAULT_MAX_BODY);
    }

    @Test
    void sts06_policyBehindATestCaCertificateIsFetchedAndParsed() throws Exception {
        nginx.policy(DOMAIN, POLICY);
        StsFetchResult result = fetcher(ca).fetch(DOMAIN);
        assertThat(result).as(nginx.diagnostics()).isInstanceOf(StsFetchResult.Fetched.class);
        StsFetchResult.Fetched fetched = (StsFetchResult.Fetched) result;
        assertThat(fetched.rawText()).isEqualTo(POLICY);
        assertThat(fetched.policy().mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(fetched.policy().mx()).containsExactly("mx.policy.test", "*.backup.policy.test");
        assertThat(fetched.policy().maxAgeSeconds()).isEqualTo(86400);
        // The request reached the site that SNI selected, and it answered 200.
        assertThat(nginx.policyRequests(DOMAIN)).contains(200);
    }

    @Test
    void sts06_trustWithoutTheTestCaIsWebpkiInvalid() throws Exception {
        nginx.policy(DOMAIN, POLICY);
        TestCertificates.Ca stranger = TestCertificates.ca("Unrelated CA", dir.resolve("stranger"));
        StsFetchResult result = fetcher(stranger).fetch(DOMAIN);
        assertThat(result).isInstanceOfSatisfying(StsFetchResult.Failed.class, f -> {
            assertThat(f.kind()).as(f.reason()).isEqualTo(StsFailureKind.WEBPKI_INVALID);
            assertThat(f.kind().resultType()).isEqualTo("sts-webpki-invalid");
        });
    }

    @Test
    void sts07_missingPolicyFileIsA404FetchError() throws Exception {
        nginx.policy(OTHER, POLICY.replace("policy.test", OTHER));
        assertThat(fetcher(ca).fetch(OTHER)).isInstanceOf(StsFetchResult.Fetched.class);
        nginx.notFound(OTHER);
        StsFetchResult result = fetcher(ca).fetch(OTHER);
        assertThat(result).isInstanceOfSatisfying(StsFetchResult.Failed.class, f -> {
            assertThat(f.kind()).as(f.reason()).isEqualTo(StsFailureKind.FETCH_ERROR);
            assertThat(f.reason()).contains("HTTP 404");
        });
        assertThat(nginx.policyRequests(OTHER)).endsWith(200, 404);
    }

    @Test
    void sts06_aNameWithoutASiteGetsNoCertificate() throws Exception {
        StsFetchResult result = fetcher(ca).fetch("nosite.test");
        assertThat(result).isInstanceOfSatisfying(StsFetchResult.Failed.class,
                f -> assertThat(f.reason()).as(f.reason()).contains("mta-sts.nosite.test"));
        assertThat(nginx.accessLog()).noneMatch(l -> l.startsWith("mta-sts.nosite.test "));
    }

    @Test
    void aStoppedServerRefusesAndARestartedOneServesAgain() throws Exception {
        nginx.policy(DOMAIN, POLICY);
        nginx.stop();
        assertThat(nginx.running()).isFalse();
        try {
            StsFetchResult down = fetcher(ca).fetch(DOMAIN);
            assertThat(down).isInstanceOfSatisfying(StsFetchResult.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(StsFailureKind.FETCH_ERROR);
                assertThat(f.reason()).contains("cannot connect");
            });
        } finally {
            nginx.start();
        }
        assertThat(fetcher(ca).fetch(DOMAIN)).as(nginx.diagnostics()).isInstanceOf(StsFetchResult.Fetched.class);
    }
}
