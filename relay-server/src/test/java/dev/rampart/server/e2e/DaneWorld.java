package dev.rampart.server.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DANE test world (RFC 7672): a DNSSEC-signed private TLD {@code test.} with one signed child zone per
 * {@link Case}, served by {@link NsdServer}; the receiving MX hosts ({@link PostfixReceiver}) with the
 * certificates the cases need; the TLD's KSK DS as a trust-anchor file for the relay's
 * {@code dns.trust-anchors}; and, on demand, a validating {@link UnboundResolver} for {@code dns.dnssec:
 * trust-ad}. Started once per test class ({@link #start}); {@link #close} stops every server it started, by PID.
 *
 * <p>Receivers are shared where a case needs nothing of its own, and each case has its own recipient domain,
 * so the evidence of one case (a Maildir entry) never stands in for another:
 * <ul>
 *   <li>{@code mx.ee.test}: self-signed certificate; hosts EE, BOGUS, UNUSABLE, NO_TLSA.</li>
 *   <li>{@code mx.ta.test}: a certificate (SAN = {@code mx.ta.test}) issued by the test CA, chain presented.</li>
 *   <li>{@code mx.other.test}: self-signed; hosts MISMATCH and the failing primary of BACKUP.</li>
 *   <li>{@code mx2.backup.test}: self-signed; the passing backup of BACKUP.</li>
 *   <li>{@code mx.plain.test}: no STARTTLS; hosts NO_STARTTLS and UNUSABLE_NO_STARTTLS. It must never see a
 *       MAIL command.</li>
 * </ul>
 * Not thread-safe.
 */
final class DaneWorld implements AutoCloseable {

    /** One DANE situation, with its own signed zone {@code <domain>} and recipient {@code rcpt@<domain>}. */
    enum Case {
        /** {@code 3 1 1} of the receiver's key: delivers, {@code tls=dane-ee policy=dane} (DANE-10). */
        EE("ee.test"),
        /** {@code 2 0 1} of the CA that issued the receiver's certificate: delivers, {@code tls=dane-ta} (DANE-11). */
        TA("ta.test"),
        /** {@code 3 1 1} of an unrelated key: deferred 4.7.5, nothing arrives (DANE-07). */
        MISMATCH("mismatch.test"),
        /** Usable TLSA, receiver without STARTTLS: deferred, no MAIL at the receiver (DANE-07). */
        NO_STARTTLS("nostarttls.test"),
        /** Matching {@code 3 1 1} whose RRSIG has expired: host skipped, deferred (DANE-05, row 9). */
        BOGUS("bogus.test"),
        /** Only {@code 0 0 1}, {@code 1 1 1} and a malformed {@code 3 1 1}: TLS without authentication (DANE-08). */
        UNUSABLE("unusable.test"),
        /** All-unusable TLSA, receiver without STARTTLS: deferred, never cleartext (DANE-08). */
        UNUSABLE_NO_STARTTLS("unusable-plain.test"),
        /** Signed zone, no TLSA (secure denial): opportunistic TLS, {@code policy=none} (DANE-09). */
        NO_TLSA("notlsa.test"),
        /** MX 10 with a mismatching TLSA, MX 20 with a matching one: delivered via MX 20 (DANE-07 "next MX"). */
        BACKUP("backup.test");

        private final String domain;

        Case(String domain) {
            this.domain = domain;
        }

        String domain() {
            return domain;
        }

        String recipient() {
            return "rcpt@" + domain;
        }

        /** The MX host a successful delivery goes to (for BACKUP the backup, pref 20). */
        String deliveringHost() {
            return this == BACKUP ? "mx2." + domain : "mx." + domain;
        }
    }

    static final String PRIMARY_OF_BACKUP = "mx1.backup.test";

    private final Path dir;
    private final TestCertificates.Ca ca;
    private final Map<String, PostfixReceiver> receiverByHost;
    private final Map<String, List<String>> tlsaByHost;
    private final List<AutoCloseable> started;
    private final NsdServer nsd;
    private final Path trustAnchor;
    private UnboundResolver unbound;

    private DaneWorld(Path dir, TestCertificates.Ca ca, Map<String, PostfixReceiver> receiverByHost,
                      Map<String, List<String>> tlsaByHost, List<AutoCloseable> started, NsdServer nsd, Path trustAnchor) {
        this.dir = dir;
        this.ca = ca;
        this.receiverByHost = Map.copyOf(receiverByHost);
        this.tlsaByHost = Map.copyOf(tlsaByHost);
        this.started = started;
        this.nsd = nsd;
        this.trustAnchor = trustAnchor;
    }

    /** Certificates, receivers, signed zones, NSD and the trust-anchor file, under {@code dir}. */
    static DaneWorld start(Path dir) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return start(dir, started);
        } catch (Exception | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    private static DaneWorld start(Path dir, List<AutoCloseable> started) throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca("DANE Test CA", dir.resolve("ca"));
        TestCertificates.PemFiles taCert = TestCertificates.issued("mx.ta.test", ca, dir.resolve("ca"));
        // A key no receiver uses: TLSA records that must not match anything.
        X509Certificate unrelated = TestCertificates.selfSigned("unrelated.test", dir.resolve("unrelated")).certificate();

        PostfixReceiver ee = started(started, PostfixReceiver.builder("mx.ee.test")
                .domains(Case.EE.domain(), Case.BOGUS.domain(), Case.UNUSABLE.domain(), Case.NO_TLSA.domain())
                .start(dir.resolve("mx-ee")));
        PostfixReceiver ta = started(started, PostfixReceiver.builder("mx.ta.test").domains(Case.TA.domain())
                .certificate(taCert).start(dir.resolve("mx-ta")));
        PostfixReceiver other = started(started, PostfixReceiver.builder("mx.other.test")
                .domains(Case.MISMATCH.domain(), Case.BACKUP.domain()).start(dir.resolve("mx-other")));
        PostfixReceiver backup = started(started, PostfixReceiver.builder("mx2.backup.test").domains(Case.BACKUP.domain())
                .start(dir.resolve("mx-backup")));
        PostfixReceiver plain = started(started, PostfixReceiver.builder("mx.plain.test")
                .domains(Case.NO_STARTTLS.domain(), Case.UNUSABLE_NO_STARTTLS.domain()).starttls(false)
                .start(dir.resolve("mx-plain")));

        X509Certificate eeCert = ee.certificate().orElseThrow();
        String malformedDaneEe = "3 1 1 0102030405"; // a SHA-256 digest must have 32 bytes (DANE-06)
        Map<String, PostfixReceiver> receivers = new LinkedHashMap<>();
        Map<String, List<String>> tlsa = new LinkedHashMap<>();
        receivers.put("mx.ee.test", ee);
        tlsa.put("mx.ee.test", List.of(ee.tlsaDaneEe()));
        receivers.put("mx.ta.test", ta);
        tlsa.put("mx.ta.test", List.of(TestCertificates.tlsaSha256(2, 0, ca.certificate())));
        receivers.put("mx.mismatch.test", other);
        tlsa.put("mx.mismatch.test", List.of(TestCertificates.tlsaSha256(3, 1, unrelated)));
        receivers.put("mx.nostarttls.test", plain);
        tlsa.put("mx.nostarttls.test", List.of(TestCertificates.tlsaSha256(3, 1, unrelated)));
        receivers.put("mx.bogus.test", ee);
        tlsa.put("mx.bogus.test", List.of(ee.tlsaDaneEe()));
        receivers.put("mx.unusable.test", ee);
        tlsa.put("mx.unusable.test", List.of(TestCertificates.tlsaSha256(0, 0, eeCert),
                TestCertificates.tlsaSha256(1, 1, eeCert), malformedDaneEe));
        receivers.put("mx.unusable-plain.test", plain);
        tlsa.put("mx.unusable-plain.test", List.of(TestCertificates.tlsaSha256(0, 0, unrelated),
                TestCertificates.tlsaSha256(1, 1, unrelated), malformedDaneEe));
        receivers.put("mx.notlsa.test", ee);
        receivers.put(PRIMARY_OF_BACKUP, other);
        tlsa.put(PRIMARY_OF_BACKUP, List.of(TestCertificates.tlsaSha256(3, 1, unrelated)));
        receivers.put("mx2.backup.test", backup);
        tlsa.put("mx2.backup.test", List.of(backup.tlsaDaneEe()));

        TestZones zones = new TestZones();
        for (Case c : Case.values()) {
            zones.zone(c.domain());
        }
        for (Case c : Case.values()) {
            if (c == Case.BACKUP) {
                zones.mx(c.domain(), 10, PRIMARY_OF_BACKUP).mx(c.domain(), 20, "mx2.backup.test");
            } else {
                zones.mx(c.domain(), 10, c.deliveringHost());
            }
        }
        for (Map.Entry<String, PostfixReceiver> e : receivers.entrySet()) {
            zones.a(e.getKey(), e.getValue().address());
        }
        for (Map.Entry<String, List<String>> e : tlsa.entrySet()) {
            for (String rdata : e.getValue()) {
                zones.add(tlsaOwner(e.getKey()), "TLSA", rdata);
            }
        }
        LdnsZoneSigner signer = new LdnsZoneSigner(dir.resolve("keys")).expiredSignature(tlsaOwner("mx.bogus.test"), "TLSA");
        NsdServer nsd = started(started, NsdServer.start(zones, dir.resolve("nsd"), signer));
        Path anchor = signer.trustAnchor(dir.resolve("test-tld.ds"));
        return new DaneWorld(dir, ca, receivers, tlsa, started, nsd, anchor);
    }

    private static <T extends AutoCloseable> T started(List<AutoCloseable> started, T server) {
        started.add(server);
        return server;
    }

    /** "_25._tcp.<host>": where the TLSA records of an SMTP server on port 25 live (RFC 7672 §2.2.3). */
    static String tlsaOwner(String host) {
        return "_25._tcp." + host;
    }

    /** Starts (once) the validating Unbound in front of NSD, trusting this world's anchor. */
    UnboundResolver unbound() throws IOException, InterruptedException {
        if (unbound == null) {
            unbound = UnboundResolver.start(nsd, trustAnchor, dir.resolve("unbound"));
            started.add(unbound);
        }
        return unbound;
    }

    NsdServer nsd() {
        return nsd;
    }

    /** The TLD's DS in zone-file form, for {@code dns.trust-anchors} and Unbound's {@code trust-anchor-file}. */
    Path trustAnchor() {
        return trustAnchor;
    }

    TestCertificates.Ca ca() {
        return ca;
    }

    /** The receiver listening at {@code host}'s address. */
    PostfixReceiver receiver(String host) {
        PostfixReceiver r = receiverByHost.get(host);
        if (r == null) {
            throw new IllegalArgumentException("no MX host " + host + " in the DANE world");
        }
        return r;
    }

    /** Where a delivery of {@code c} arrives (when it is delivered). */
    PostfixReceiver receiver(Case c) {
        return receiver(c.deliveringHost());
    }

    /** The TLSA RDATA published at {@code _25._tcp.<host>}, as written to the zone; empty for none. */
    List<String> tlsa(String host) {
        return tlsaByHost.getOrDefault(host, List.of());
    }

    /** Every MX host name of the world. */
    List<String> hosts() {
        return List.copyOf(receiverByHost.keySet());
    }

    String diagnostics() {
        StringBuilder sb = new StringBuilder(nsd.diagnostics());
        if (unbound != null) {
            sb.append(unbound.diagnostics());
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        closeAll(started, null);
    }

    /** Stops in reverse start order; the first failure is thrown (or added to {@code primary}). */
    private static void closeAll(List<AutoCloseable> started, Throwable primary) throws Exception {
        Exception first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (first != null) {
            throw first;
        }
    }
}
