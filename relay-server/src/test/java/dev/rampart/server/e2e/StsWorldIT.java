package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.sts.StsFailureKind;
import dev.rampart.policy.sts.fetch.HostResolver;
import dev.rampart.policy.sts.fetch.PkixPeerCheck;
import dev.rampart.policy.sts.fetch.StsFetchResult;
import dev.rampart.policy.sts.fetch.StsPolicyFetcher;
import dev.rampart.policy.sts.fetch.StsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The MTA-STS world alone, without the relay: each case's MX, MX address, {@code _mta-sts} TXT and policy
 * host address validate as secure with the anchor the relay gets; every policy is fetched (through the
 * relay's own fetcher, resolving the policy host through the world's DNS, trusting only the test CA) exactly
 * as the case says, or is a 404; and each receiver presents what its cases need: the PKIX receiver a chain
 * to the test CA naming every MX host pointed at it, the self-signed one a certificate PKIX refuses, the plain
 * one no STARTTLS. If these fail, a failing {@link MtaStsIT} says nothing about the relay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StsWorldIT {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private StsWorld world;
    private ValidatingResolver validator;

    @BeforeAll
    void startWorld(@TempDir Path dir) throws Exception {
        world = StsWorld.start(dir.resolve("world"));
        validator = new ValidatingResolver(world.nsd().resolver());
        try (InputStream anchor = Files.newInputStream(world.trustAnchor())) {
            validator.loadTrustAnchors(anchor);
        }
    }

    @AfterAll
    void stopWorld() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void sts01_everyCasePublishesItsRecordsSecurely() throws Exception {
        for (StsWorld.Case c : StsWorld.Case.values()) {
            Message mx = secure(c.domain(), Type.MX);
            assertThat(mx.getSection(Section.ANSWER)).as("MX of %s", c.domain())
                    .filteredOn(r -> r instanceof MXRecord).singleElement()
                    .satisfies(r -> assertThat(((MXRecord) r).getTarget().toString()).isEqualTo(c.mxHost() + "."));
            assertThat(addresses(c.mxHost())).as("A of %s", c.mxHost())
                    .containsExactly(world.mxAddress(c));
            assertThat(addresses(NginxServer.policyHost(c.domain()))).as("A of the policy host of %s", c.domain())
                    .containsExactly(world.nginx().address());
            List<String> txt = new ArrayList<>();
            for (Record r : secure("_mta-sts." + c.domain(), Type.TXT).getSection(Section.ANSWER)) {
                if (r instanceof TXTRecord t) {
                    txt.add(String.join("", t.getStrings()));
                }
            }
            assertThat(txt).as("_mta-sts.%s", c.domain()).containsExactly("v=STSv1; id=" + c.id());
        }
    }

    @Test
    void sts06_everyPolicyIsServedAsItsCaseSays() throws Exception {
        StsPolicyFetcher fetcher = new StsPolicyFetcher(StsTrust.of(List.of(world.ca().certificate()), false),
                viaWorldDns(), NginxServer.PORT, Duration.ofSeconds(20), StsPolicyFetcher.DEFAULT_MAX_BODY);
        for (StsWorld.Case c : StsWorld.Case.values()) {
            StsFetchResult result = fetcher.fetch(c.domain());
            Optional<String> policy = c.policy();
            if (policy.isPresent()) {
                assertThat(result).as("%s%n%s", c, world.nginx().diagnostics())
                        .isInstanceOfSatisfying(StsFetchResult.Fetched.class, f -> {
                            assertThat(f.rawText()).isEqualTo(policy.get());
                            assertThat(f.policy().mode().token()).isEqualTo(c.mode());
                            assertThat(f.policy().mx()).containsExactlyElementsOf(c.mxPatterns());
                        });
            } else {
                assertThat(result).as("%s", c).isInstanceOfSatisfying(StsFetchResult.Failed.class, f -> {
                    assertThat(f.kind()).isEqualTo(StsFailureKind.FETCH_ERROR);
                    assertThat(f.reason()).contains("HTTP 404");
                });
            }
        }
    }

    @Test
    void sts18_receiversPresentWhatTheirCasesNeed() throws Exception {
        StsTrust trust = StsTrust.of(List.of(world.ca().certificate()), false);
        for (StsWorld.Case c : StsWorld.Case.values()) {
            StarttlsProbe.Result served = StarttlsProbe.probe(world.mxAddress(c), c.mxHost(), PROBE_TIMEOUT);
            Optional<String> problem = served.chain().isEmpty() ? Optional.of("no STARTTLS")
                    : new PkixPeerCheck(trust.trustManager(), List.of(c.mxHost()))
                            .problem(served.chain().toArray(X509Certificate[]::new), "UNKNOWN");
            switch (c.receiver().tls()) {
                case TEST_CA -> assertThat(problem).as("%s: PKIX with SAN %s", c, c.mxHost()).isEmpty();
                case SELF_SIGNED -> assertThat(problem).as("%s: a self-signed certificate", c).isPresent();
                case NO_STARTTLS -> assertThat(served.ehloKeywords()).as("%s", c).isNotEmpty().doesNotContain("STARTTLS");
            }
            if (c.tlsa() != StsWorld.Tlsa.NONE) {
                String served311 = TestCertificates.tlsaSha256(3, 1, served.leaf());
                if (c.tlsa() == StsWorld.Tlsa.MATCHING) {
                    assertThat(world.tlsa(c.mxHost())).as("%s", c).containsExactly(served311);
                } else {
                    assertThat(world.tlsa(c.mxHost())).as("%s", c).isNotEmpty().doesNotContain(served311);
                }
                assertThat(tlsaRecords(DaneWorld.tlsaOwner(c.mxHost()))).as("%s", c).isNotEmpty();
            }
        }
        // The check that passes for the listed names refuses a name the certificate does not carry.
        StarttlsProbe.Result pkix = StarttlsProbe.probe(world.receiver(StsWorld.Receiver.PKIX).address(),
                "mx.pkix.test", PROBE_TIMEOUT);
        assertThat(new PkixPeerCheck(trust.trustManager(), List.of("mx.elsewhere.test"))
                .problem(pkix.chain().toArray(X509Certificate[]::new), "UNKNOWN")).isPresent();
    }

    /** A policy host resolver that asks the world's NSD, as the relay's own resolver would. */
    private HostResolver viaWorldDns() {
        return host -> {
            try {
                return addresses(host);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        };
    }

    private List<InetAddress> addresses(String host) throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (Record r : secure(host, Type.A).getSection(Section.ANSWER)) {
            if (r instanceof ARecord a) {
                out.add(a.getAddress());
            }
        }
        return out;
    }

    private List<Record> tlsaRecords(String owner) throws Exception {
        return secure(owner, Type.TLSA).getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.TLSA).toList();
    }

    /** The answer through dnsjava's validator with the relay's anchor: NOERROR and AD, or the test fails. */
    private Message secure(String owner, int type) throws Exception {
        Message answer = validator.send(Message.newQuery(Record.newRecord(Name.fromString(owner + "."), type, 1)));
        assertThat(answer.getRcode()).as("%s %s: %s", owner, Type.string(type), answer).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getHeader().getFlag(Flags.AD)).as("AD for %s %s: %s", owner, Type.string(type), answer).isTrue();
        return answer;
    }
}
