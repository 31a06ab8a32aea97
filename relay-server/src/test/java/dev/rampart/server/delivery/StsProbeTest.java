package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.decide.HostAddressFacts;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ManualPolicy;
import dev.rampart.policy.decide.TlsRequirement;
import dev.rampart.policy.decide.TlsRptRecording;
import dev.rampart.policy.decide.TlsaFacts;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxResolution;
import dev.rampart.policy.sts.fetch.StsTrust;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code policy explain --probe} for hosts under MTA-STS: the real Netty client against an in-process TLS
 * server whose certificate comes from a test CA; the chain is judged by {@code PkixPeerCheck} against the
 * configured anchors (STS-18) and reported whether it passes or not. {@code enforce} failures fail the probe
 * (STS-19), {@code testing} failures are only reported (STS-20). No MAIL is ever sent.
 */
class StsProbeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String HOST = "mx.sts.example";
    private static final TestCertificates.IssuedCert GOOD = TestCertificates.issued(HOST, "STS Test CA");

    private FakeSmtpServer server;
    private DeliveryClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        client = new DeliveryClient(TestFixtures.delivery(server.port(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private static X509TrustManager trusting(TestCertificates.IssuedCert ca) throws Exception {
        return StsTrust.of(List.of(ca.ca()), false).trustManager();
    }

    private static HostPlan.Connect enforce() {
        return new HostPlan.Connect(HOST, TlsRequirement.REQUIRED, new Authentication.Pkix(List.of(HOST)), HOST, "",
                List.of(), "TLSv1.2", AppliedPolicy.MTA_STS, "test plan", new TlsRptRecording.NotRecorded("test"));
    }

    private static HostPlan.Connect testing() {
        return new HostPlan.Connect(HOST, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, HOST, "", List.of(),
                "TLSv1.2", AppliedPolicy.MTA_STS, "test plan", new TlsRptRecording.NotRecorded("test"),
                new Authentication.Pkix(List.of(HOST)));
    }

    private ProbeReport probe(HostPlan.Connect connect, X509TrustManager anchors) throws Exception {
        DestinationPlan plan = new DestinationPlan("sts.example", ManualPolicy.DANE,
                new MxResolution.Hosts("sts.example", List.of(), DnssecStatus.INSECURE, false, List.of()),
                new DomainPlan.Fail("5.1.2", "unused"),
                List.of(new DestinationPlan.PlannedHost(new MxHost(HOST, 10, List.of(LOOPBACK), DnssecStatus.INSECURE),
                        HostAddressFacts.direct(HOST, DnssecStatus.INSECURE), List.of(),
                        new TlsaFacts.NotQueried("unused"), connect)));
        List<ProbeReport> reports = new PolicyProbe(client, InstantSource.system(), anchors).probe(plan);
        server.awaitConnectionsEnded(1);
        assertThat(server.verbs()).doesNotContain("MAIL", "RCPT", "DATA");
        assertThat(reports).hasSize(1);
        return reports.getFirst();
    }

    @Test
    void enforceWithACertificateFromATrustedCaForTheMxNamePasses_STS18() throws Exception {
        server.tls = GOOD.serverContext();
        ProbeReport r = probe(enforce(), trusting(GOOD));
        assertThat(r.outcome()).isEqualTo("ok");
        assertThat(r.detail()).isEmpty();
        assertThat(r.tls()).isEqualTo("pkix");
        assertThat(r.pkix()).isEqualTo(new ProbeReport.PkixCheck("enforce", List.of(HOST), "pass", ""));
        assertThat(r.chain()).hasSize(2);
        assertThat(r.chain().get(0).subject()).isEqualTo("CN=" + HOST);
        assertThat(r.chain().get(0).issuer()).isEqualTo("CN=STS Test CA");
        assertThat(r.chain().get(0).dnsNames()).containsExactly(HOST);
        assertThat(server.sniNames).as("SNI is the MX host name (STS-18)").containsExactly(HOST);
    }

    @Test
    void enforceWithACertificateForAnotherNameFailsAndStillShowsTheChain_STS18_STS19() throws Exception {
        TestCertificates.IssuedCert other = TestCertificates.issued("other.example", "STS Test CA");
        server.tls = other.serverContext();
        ProbeReport r = probe(enforce(), trusting(other));
        assertThat(r.outcome()).isEqualTo("failed");
        assertThat(r.detail()).startsWith("MTA-STS enforce: certificate check failed, no delivery to this host: ")
                .contains("[other.example] do not match " + HOST);
        assertThat(r.tls()).isEqualTo("unauthenticated");
        assertThat(r.pkix().result()).isEqualTo("fail");
        assertThat(r.pkix().reason()).contains("SAN dNSName required, CN ignored");
        assertThat(r.chain().get(0).dnsNames()).containsExactly("other.example");
    }

    @Test
    void enforceWithAnUntrustedCaFails_STS18() throws Exception {
        server.tls = GOOD.serverContext();
        TestCertificates.IssuedCert stranger = TestCertificates.issued(HOST, "Another CA");
        ProbeReport r = probe(enforce(), trusting(stranger));
        assertThat(r.outcome()).isEqualTo("failed");
        assertThat(r.pkix().result()).isEqualTo("fail");
        assertThat(r.pkix().reason()).startsWith("certificate chain not trusted (PKIX)");
        assertThat(r.chain()).isNotEmpty();
    }

    @Test
    void enforceWithoutStarttlsFailsWithNothingToCheck_STS19() throws Exception {
        server.tls = null;
        ProbeReport r = probe(enforce(), trusting(GOOD));
        assertThat(r.outcome()).isEqualTo("failed");
        assertThat(r.detail()).contains("STARTTLS");
        assertThat(r.pkix().result()).isEqualTo("not-checked");
        assertThat(r.pkix().reason()).startsWith("no certificate seen: ");
        assertThat(r.chain()).isEmpty();
    }

    @Test
    void testingReportsABadCertificateButTheProbeStaysOk_STS20() throws Exception {
        TestCertificates.IssuedCert other = TestCertificates.issued("other.example", "STS Test CA");
        server.tls = other.serverContext();
        ProbeReport r = probe(testing(), trusting(other));
        assertThat(r.outcome()).isEqualTo("ok");
        assertThat(r.tls()).isEqualTo("unauthenticated");
        assertThat(r.pkix().role()).isEqualTo("audit");
        assertThat(r.pkix().result()).isEqualTo("fail");
        assertThat(r.pkix().reason()).contains("do not match " + HOST);
    }

    @Test
    void testingWithAGoodCertificatePasses_STS20() throws Exception {
        server.tls = GOOD.serverContext();
        ProbeReport r = probe(testing(), trusting(GOOD));
        assertThat(r.outcome()).isEqualTo("ok");
        assertThat(r.tls()).isEqualTo("pkix");
        assertThat(r.pkix()).isEqualTo(new ProbeReport.PkixCheck("audit", List.of(HOST), "pass", ""));
    }

    @Test
    void testingWithoutStarttlsDeliversInPlaintextAndHasNothingToCheck_STS20() throws Exception {
        server.tls = null;
        ProbeReport r = probe(testing(), trusting(GOOD));
        assertThat(r.outcome()).isEqualTo("ok");
        assertThat(r.tls()).isEqualTo("none");
        assertThat(r.pkix().result()).isEqualTo("not-checked");
        assertThat(r.pkix().reason()).contains("starttls-not-supported");
    }
}
