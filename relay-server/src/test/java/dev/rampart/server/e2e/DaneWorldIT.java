package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The DANE world alone, without the relay: the signed zones validate (through Unbound, and through dnsjava's
 * validator with the same trust-anchor file the relay gets), the bogus TLSA RRset is bogus and only it, the
 * TLSA records are published as the cases describe, and each receiver serves the certificate its TLSA
 * records name (or, for the mismatch cases, do not name). If these fail, a failing {@link DaneIT} says
 * nothing about the relay.
 */
class DaneWorldIT {

    private static final Duration DIG_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static DaneWorld world;
    private static UnboundResolver unbound;

    @BeforeAll
    static void startWorld() throws Exception {
        world = DaneWorld.start(dir.resolve("world"));
        unbound = world.unbound();
    }

    @AfterAll
    static void stopWorld() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void tlsaRecordsArePublishedAsEachCaseDescribes() throws Exception {
        for (String host : world.hosts()) {
            Message answer = world.nsd().resolver().send(query(DaneWorld.tlsaOwner(host), Type.TLSA));
            List<String> published = new ArrayList<>();
            for (Record r : answer.getSection(Section.ANSWER)) {
                if (r instanceof TLSARecord t) {
                    published.add(t.getCertificateUsage() + " " + t.getSelector() + " " + t.getMatchingType() + " "
                            + HexFormat.of().formatHex(t.getCertificateAssociationData()));
                }
            }
            assertThat(published).as("TLSA at %s", DaneWorld.tlsaOwner(host))
                    .containsExactlyInAnyOrderElementsOf(world.tlsa(host));
        }
        assertThat(world.tlsa("mx.notlsa.test")).isEmpty();
    }

    @Test
    void dns01_everyCaseMxAndTheDaneEeTlsaValidateThroughUnbound() throws Exception {
        for (DaneWorld.Case c : DaneWorld.Case.values()) {
            Tools.Result mx = digUnbound("MX", c.domain());
            assertThat(mx.stdout()).as(mx.output()).contains("status: NOERROR");
            assertThat(flags(mx.stdout())).as("AD for MX %s%n%s", c.domain(), mx.output()).contains("ad");
        }
        Tools.Result tlsa = digUnbound("TLSA", DaneWorld.tlsaOwner("mx.ee.test"));
        assertThat(tlsa.stdout()).as(tlsa.output()).contains("status: NOERROR").containsPattern("TLSA\\s+3 1 1 ");
        assertThat(flags(tlsa.stdout())).as(tlsa.output()).contains("ad");
        Tools.Result address = digUnbound("A", "mx.ee.test");
        assertThat(flags(address.stdout())).as(address.output()).contains("ad");
    }

    @Test
    void dane05_theSplicedTlsaRrsetIsBogusAndOnlyIt() throws Exception {
        Tools.Result bogus = digUnbound("TLSA", DaneWorld.tlsaOwner("mx.bogus.test"));
        assertThat(bogus.stdout()).as(bogus.output()).contains("status: SERVFAIL");
        // With checking disabled the record is there, signed by a signature that expired in 2020.
        Tools.Result unchecked = digUnbound("+cd", "TLSA", DaneWorld.tlsaOwner("mx.bogus.test"));
        assertThat(unchecked.stdout()).as(unchecked.output()).contains("status: NOERROR")
                .containsPattern("TLSA\\s+3 1 1 ").containsPattern("RRSIG\\s+TLSA .* 20200201000000 ");
        // The rest of the zone still validates: the MX host's address is secure.
        Tools.Result address = digUnbound("A", "mx.bogus.test");
        assertThat(address.stdout()).as(address.output()).contains("status: NOERROR");
        assertThat(flags(address.stdout())).as(address.output()).contains("ad");
    }

    @Test
    void dane09_theNoTlsaCaseIsASecureDenial() throws Exception {
        Tools.Result none = digUnbound("TLSA", DaneWorld.tlsaOwner("mx.notlsa.test"));
        assertThat(none.stdout()).as(none.output()).containsPattern("status: (NXDOMAIN|NOERROR)")
                .contains("ANSWER: 0,");
        assertThat(flags(none.stdout())).as(none.output()).contains("ad");
    }

    @Test
    void dns01_dnsjavasValidatorReadsTheTrustAnchorFileTheRelayGets() throws Exception {
        ValidatingResolver validator = new ValidatingResolver(world.nsd().resolver());
        try (InputStream anchor = Files.newInputStream(world.trustAnchor())) {
            validator.loadTrustAnchors(anchor);
        }
        Message secure = validator.send(query(DaneWorld.tlsaOwner("mx.ee.test"), Type.TLSA));
        assertThat(secure.getRcode()).as("%s", secure).isEqualTo(Rcode.NOERROR);
        assertThat(secure.getHeader().getFlag(Flags.AD)).as("%s", secure).isTrue();

        Message bogus = validator.send(query(DaneWorld.tlsaOwner("mx.bogus.test"), Type.TLSA));
        assertThat(bogus.getRcode()).as("%s", bogus).isEqualTo(Rcode.SERVFAIL);
        assertThat(bogus.getHeader().getFlag(Flags.AD)).isFalse();
    }

    @Test
    void dane10_receiversServeTheKeysTheirDaneEeRecordsName() throws Exception {
        for (String host : List.of("mx.ee.test", "mx2.backup.test", "mx.bogus.test")) {
            StarttlsProbe.Result served = probe(host);
            assertThat(served.protocol()).as(host).hasValueSatisfying(p -> assertThat(p).isIn("TLSv1.2", "TLSv1.3"));
            assertThat(TestCertificates.tlsaSha256(3, 1, served.leaf())).as(host).isEqualTo(world.tlsa(host).get(0));
        }
        // The mismatch cases: TLS works, but no published record names the served key.
        for (String host : List.of("mx.mismatch.test", DaneWorld.PRIMARY_OF_BACKUP)) {
            StarttlsProbe.Result served = probe(host);
            assertThat(served.offersStarttls()).as(host).isTrue();
            assertThat(world.tlsa(host)).as(host).doesNotContain(TestCertificates.tlsaSha256(3, 1, served.leaf()));
        }
        // The all-unusable case names the served certificate only through usages 0 and 1 (PKIX-TA/EE).
        StarttlsProbe.Result unusable = probe("mx.unusable.test");
        assertThat(world.tlsa("mx.unusable.test")).contains(TestCertificates.tlsaSha256(0, 0, unusable.leaf()),
                TestCertificates.tlsaSha256(1, 1, unusable.leaf()));
        assertThat(probe("mx.notlsa.test").offersStarttls()).isTrue();
    }

    @Test
    void dane07_theNoStarttlsReceiversOfferNoStarttls() throws Exception {
        for (String host : List.of("mx.nostarttls.test", "mx.unusable-plain.test")) {
            StarttlsProbe.Result served = probe(host);
            assertThat(served.ehloKeywords()).as(host).isNotEmpty().doesNotContain("STARTTLS");
            assertThat(world.tlsa(host)).as(host).isNotEmpty();
        }
    }

    @Test
    void dane11_theDaneTaReceiverPresentsAChainToTheCaItsRecordNames() throws Exception {
        StarttlsProbe.Result served = probe("mx.ta.test");
        assertThat(served.chain()).hasSize(2);
        X509Certificate anchor = served.chain().get(1);
        assertThat(world.tlsa("mx.ta.test")).containsExactly("2 0 1 " + sha256(anchor.getEncoded()));
        assertThat(anchor).isEqualTo(world.ca().certificate());
        served.leaf().verify(anchor.getPublicKey());

        Path openssl = HostTools.require("openssl", "openssl");
        Path leaf = dir.resolve("mx.ta.test.served.pem");
        Files.writeString(leaf, pem(served.leaf()), StandardCharsets.US_ASCII);
        Tools.Result verified = Tools.run(DIG_TIMEOUT, openssl.toString(), "verify", "-CAfile", world.ca().pem().toString(),
                "-verify_hostname", "mx.ta.test", leaf.toString());
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.stdout()).contains(": OK");
        // The same check refuses a certificate the CA did not issue: the verification can fail.
        Path stranger = dir.resolve("mx.ee.test.served.pem");
        Files.writeString(stranger, pem(probe("mx.ee.test").leaf()), StandardCharsets.US_ASCII);
        Tools.Result refused = Tools.run(DIG_TIMEOUT, openssl.toString(), "verify", "-CAfile", world.ca().pem().toString(),
                stranger.toString());
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
    }

    private static StarttlsProbe.Result probe(String host) throws Exception {
        return StarttlsProbe.probe(world.receiver(host).address(), host, PROBE_TIMEOUT);
    }

    private static Tools.Result digUnbound(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(HostTools.require("dig", "dnsutils").toString(),
                "@" + unbound.address().getHostAddress(), "-p", "53", "+dnssec", "+tries=1", "+time=5"));
        command.addAll(List.of(args));
        return Tools.run(DIG_TIMEOUT, command);
    }

    /** The header flags of a dig answer (";; flags: qr rd ra ad; QUERY: ..."), lower case. */
    private static List<String> flags(String digOutput) {
        return digOutput.lines().filter(l -> l.startsWith(";; flags:")).findFirst()
                .map(l -> List.of(l.substring(";; flags:".length(), l.indexOf(';', 3)).strip().toLowerCase(Locale.ROOT).split("\\s+")))
                .orElseThrow(() -> new AssertionError("no flags line in dig output:\n" + digOutput));
    }

    private static Message query(String owner, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(owner + "."), type, 1));
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String pem(X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
