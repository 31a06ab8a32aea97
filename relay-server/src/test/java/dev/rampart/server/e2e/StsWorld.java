package dev.rampart.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The MTA-STS test world (RFC 8461): a DNSSEC-signed private TLD {@code test.} with one signed child zone per
 * {@link Case} holding its MX, the MX host's A record, {@code mta-sts.<domain>} (the policy host) and the
 * {@code _mta-sts} TXT record, plus TLSA where a case combines DANE with MTA-STS; one {@link NginxServer}
 * serving every case's policy with a certificate from the test CA; the receiving MX hosts
 * ({@link PostfixReceiver}); and the TLD's DS as the relay's trust anchor. The relay under test gets the
 * test CA as {@code tls.trust-store} ({@link #trustStore}), so policy hosts and MX certificates from that CA
 * pass PKIX and nothing else does. Started once per test class ({@link #start}); {@link #close} stops every
 * server it started, by PID.
 *
 * <p>Five receivers; each case has its own recipient domain, so that evidence never mixes, and the receivers
 * that must never see a MAIL command (or any connection) under enforcement serve no case that delivers:
 * <ul>
 *   <li>{@code mx.pkix.test}: a certificate from the test CA whose SAN lists the MX host name of every case
 *       that points here ({@link Receiver#PKIX}), so PKIX and the host name check pass for each of them.</li>
 *   <li>{@code mx.unlisted.test}: the same kind of certificate, for the case whose MX host the policy does
 *       not list ({@link Receiver#UNLISTED}); the relay must never connect to it.</li>
 *   <li>{@code mx.self.test}: a self-signed certificate, trusted by nobody ({@link Receiver#SELF_SIGNED});
 *       only cases that stay queued.</li>
 *   <li>{@code mx.self2.test}: self-signed too, for the {@code testing} case, which delivers
 *       ({@link Receiver#AUDITED}).</li>
 *   <li>{@code mx.plain.test}: no STARTTLS ({@link Receiver#PLAIN}); only a case that stays queued.</li>
 * </ul>
 * Not thread-safe.
 */
final class StsWorld implements AutoCloseable {

    /** What a receiver offers for STARTTLS. */
    enum Tls {
        /** A certificate from the test CA whose SAN names every MX host name pointing to the receiver. */
        TEST_CA,
        SELF_SIGNED,
        NO_STARTTLS
    }

    /** Which receiver a case's MX host name points to. */
    enum Receiver {
        PKIX("mx.pkix.test", Tls.TEST_CA),
        /** Valid for PKIX too, but only for the case whose MX the policy does not list: it must see no one. */
        UNLISTED("mx.unlisted.test", Tls.TEST_CA),
        SELF_SIGNED("mx.self.test", Tls.SELF_SIGNED),
        /** Self-signed as well, but only for the testing-mode case, which delivers to it. */
        AUDITED("mx.self2.test", Tls.SELF_SIGNED),
        PLAIN("mx.plain.test", Tls.NO_STARTTLS);

        private final String hostname;
        private final Tls tls;

        Receiver(String hostname, Tls tls) {
            this.hostname = hostname;
            this.tls = tls;
        }

        String hostname() {
            return hostname;
        }

        Tls tls() {
            return tls;
        }
    }

    /** What a case publishes at {@code _25._tcp.<mx host>}. */
    enum Tlsa {
        NONE,
        /** {@code 3 1 1} of the receiver's key: DANE passes (DANE-EE). */
        MATCHING,
        /** {@code 3 1 1} of a key no receiver uses: DANE fails. */
        MISMATCHING
    }

    /** One MTA-STS situation, with its own signed zone {@code <domain>}, MX host {@code mx.<domain>}, recipient. */
    enum Case {
        /** enforce, MX listed, certificate from the test CA: delivered, {@code policy=mta-sts tls=pkix} (STS-18). */
        ENFORCE("enforce.test", "enforce", Receiver.PKIX, Tlsa.NONE, "mx.enforce.test"),
        /** enforce, the MX host's certificate is self-signed: deferred 4.7.5, no MAIL at the receiver (STS-19). */
        UNTRUSTED("untrusted.test", "enforce", Receiver.SELF_SIGNED, Tlsa.NONE, "mx.untrusted.test"),
        /** enforce, the MX host matches no mx pattern: never contacted, deferred (STS-17, STS-19, row 11). */
        NOT_LISTED("notlisted.test", "enforce", Receiver.UNLISTED, Tlsa.NONE, "mx2.notlisted.test"),
        /** enforce, {@code mx: *.wildcard.test} covers {@code mx.wildcard.test}: delivered (STS-17). */
        WILDCARD("wildcard.test", "enforce", Receiver.PKIX, Tlsa.NONE, "*.wildcard.test"),
        /** testing, self-signed certificate: delivered anyway, the failed check reported (STS-20, row 17). */
        TESTING("testing.test", "testing", Receiver.AUDITED, Tlsa.NONE, "mx.testing.test"),
        /** enforce, receiver without STARTTLS: deferred, never cleartext (STS-19, POL-05). */
        NO_STARTTLS("nostarttls.test", "enforce", Receiver.PLAIN, Tlsa.NONE, "mx.nostarttls.test"),
        /** TXT record published, policy URL answers 404: no policy, opportunistic, {@code policy=none} (row 18). */
        NOT_FOUND("notfound.test", "", Receiver.PKIX, Tlsa.NONE, ""),
        /** enforce and a matching TLSA: DANE alone decides, {@code policy=dane tls=dane-ee} (row 12, POL-03). */
        DANE_AND_STS("dane-sts.test", "enforce", Receiver.PKIX, Tlsa.MATCHING, "mx.dane-sts.test"),
        /** enforce (PKIX would pass) and a mismatching TLSA: deferred, STS does not rescue (POL-02, row 12). */
        DANE_FAILS("dane-fail.test", "enforce", Receiver.PKIX, Tlsa.MISMATCHING, "mx.dane-fail.test"),
        /** enforce, valid: delivered before and, from the cache with the policy server down, after a restart. */
        CACHED("cached.test", "enforce", Receiver.PKIX, Tlsa.NONE, "mx.cached.test"),
        /** enforce, self-signed: deferred before and, from the cache with the policy server down, after a restart. */
        CACHED_BLOCKED("cached-blocked.test", "enforce", Receiver.SELF_SIGNED, Tlsa.NONE, "mx.cached-blocked.test"),
        /**
         * Policy map {@code may} over an enforce policy whose MX fails PKIX: the entry replaces discovery, so
         * no policy is fetched and mail goes out opportunistically, {@code policy=manual} (POL-10, row 2).
         */
        MANUAL_MAY("manual-may.test", "enforce", Receiver.AUDITED, Tlsa.NONE, "mx.manual-may.test", "may"),
        /** Policy map {@code secure}: PKIX against the trust store, {@code policy=manual tls=pkix} (POL-10, row 4). */
        MANUAL_SECURE("manual-secure.test", "enforce", Receiver.PKIX, Tlsa.NONE, "mx.manual-secure.test", "secure");

        private final String domain;
        private final String mode;
        private final Receiver receiver;
        private final Tlsa tlsa;
        private final String mxPattern;
        private final String manual;

        Case(String domain, String mode, Receiver receiver, Tlsa tlsa, String mxPattern) {
            this(domain, mode, receiver, tlsa, mxPattern, "");
        }

        Case(String domain, String mode, Receiver receiver, Tlsa tlsa, String mxPattern, String manual) {
            this.domain = domain;
            this.mode = mode;
            this.receiver = receiver;
            this.tlsa = tlsa;
            this.mxPattern = mxPattern;
            this.manual = manual;
        }

        /** The level of the case's {@code tls.policy-map} entry; empty for none (discovery decides). */
        String manual() {
            return manual;
        }

        String domain() {
            return domain;
        }

        /** The single MX host of the domain (preference 10). */
        String mxHost() {
            return "mx." + domain;
        }

        /** The recipient at this domain that a test called {@code who} uses (its evidence is its own). */
        String recipient(String who) {
            return who + "@" + domain;
        }

        String recipient() {
            return recipient("rcpt");
        }

        Receiver receiver() {
            return receiver;
        }

        Tlsa tlsa() {
            return tlsa;
        }

        /** The policy mode (enforce | testing), empty when the policy URL answers 404. */
        String mode() {
            return mode;
        }

        /** The {@code id} of the {@code _mta-sts} TXT record. */
        String id() {
            return "2026112201" + ordinal();
        }

        /** The policy file served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}, if any. */
        Optional<String> policy() {
            if (mode.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("version: STSv1\nmode: " + mode + "\nmx: " + mxPattern + "\nmax_age: " + MAX_AGE + "\n");
        }

        /** The mx patterns the policy lists. */
        List<String> mxPatterns() {
            return mode.isEmpty() ? List.of() : List.of(mxPattern);
        }
    }

    static final long MAX_AGE = 86400;

    private final TestCertificates.Ca ca;
    private final Map<Receiver, PostfixReceiver> receivers;
    private final Map<String, List<String>> tlsaByHost;
    private final List<AutoCloseable> started;
    private final NsdServer nsd;
    private final NginxServer nginx;
    private final Path trustAnchor;

    private StsWorld(TestCertificates.Ca ca, Map<Receiver, PostfixReceiver> receivers,
                     Map<String, List<String>> tlsaByHost, List<AutoCloseable> started, NsdServer nsd, NginxServer nginx,
                     Path trustAnchor) {
        this.ca = ca;
        this.receivers = Map.copyOf(receivers);
        this.tlsaByHost = Map.copyOf(tlsaByHost);
        this.started = started;
        this.nsd = nsd;
        this.nginx = nginx;
        this.trustAnchor = trustAnchor;
    }

    /**
     * More of the world for a test class that needs it (e.g. the TLS-RPT report endpoints): called once the
     * test CA exists and every case's records are in the zones, before they are signed. Servers it starts are
     * handed to {@code closeWithWorld} and stopped by {@link #close}, after the world's own.
     */
    @FunctionalInterface
    interface Extension {
        void extend(TestCertificates.Ca ca, TestZones zones, Path dir, java.util.function.Consumer<AutoCloseable> closeWithWorld)
                throws Exception;
    }

    /** Certificates, receivers, the policy server, signed zones, NSD and the trust-anchor file, under {@code dir}. */
    static StsWorld start(Path dir) throws Exception {
        return start(dir, (ca, zones, d, closeWithWorld) -> { });
    }

    /** As {@link #start(Path)}, with {@code extension}'s servers and records added. */
    static StsWorld start(Path dir, Extension extension) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return start(dir, started, extension);
        } catch (Exception | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    private static StsWorld start(Path dir, List<AutoCloseable> started, Extension extension) throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca("STS Test CA", dir.resolve("ca"));
        X509Certificate unrelated = TestCertificates.selfSigned("unrelated.test", dir.resolve("unrelated")).certificate();

        Map<Receiver, List<String>> domainsOf = new LinkedHashMap<>();
        Map<Receiver, List<String>> namesOf = new LinkedHashMap<>();
        for (Case c : Case.values()) {
            domainsOf.computeIfAbsent(c.receiver(), r -> new ArrayList<>()).add(c.domain());
            namesOf.computeIfAbsent(c.receiver(), r -> new ArrayList<>(List.of(r.hostname()))).add(c.mxHost());
        }
        Map<Receiver, PostfixReceiver> receivers = new LinkedHashMap<>();
        for (Receiver r : Receiver.values()) {
            String name = r.hostname().substring(0, r.hostname().indexOf('.'));
            PostfixReceiver.Builder b = PostfixReceiver.builder(r.hostname())
                    .domains(domainsOf.get(r).toArray(String[]::new));
            switch (r.tls()) {
                case TEST_CA -> b.certificate(TestCertificates.issued(namesOf.get(r), ca, dir.resolve(name + "-cert")));
                case SELF_SIGNED -> { }
                case NO_STARTTLS -> b.starttls(false);
            }
            receivers.put(r, started(started, b.start(dir.resolve(r.name().toLowerCase(Locale.ROOT)))));
        }

        NginxServer.Builder sites = NginxServer.builder();
        for (Case c : Case.values()) {
            sites.site(c.domain(), TestCertificates.issued(NginxServer.policyHost(c.domain()), ca, dir.resolve("sts-certs")));
        }
        NginxServer nginx = started(started, sites.start(dir.resolve("nginx")));
        for (Case c : Case.values()) {
            Optional<String> policy = c.policy();
            if (policy.isPresent()) {
                nginx.policy(c.domain(), policy.get());
            } else {
                nginx.notFound(c.domain());
            }
        }

        Map<String, List<String>> tlsa = new LinkedHashMap<>();
        TestZones zones = new TestZones();
        for (Case c : Case.values()) {
            zones.zone(c.domain());
        }
        for (Case c : Case.values()) {
            PostfixReceiver receiver = receivers.get(c.receiver());
            zones.mx(c.domain(), 10, c.mxHost())
                    .a(c.mxHost(), receiver.address())
                    .a(NginxServer.policyHost(c.domain()), nginx.address())
                    .txt("_mta-sts." + c.domain(), "v=STSv1; id=" + c.id());
            switch (c.tlsa()) {
                case NONE -> { }
                case MATCHING -> tlsa.put(c.mxHost(), List.of(receiver.tlsaDaneEe()));
                case MISMATCHING -> tlsa.put(c.mxHost(), List.of(TestCertificates.tlsaSha256(3, 1, unrelated)));
            }
        }
        for (Map.Entry<String, List<String>> e : tlsa.entrySet()) {
            for (String rdata : e.getValue()) {
                zones.add(DaneWorld.tlsaOwner(e.getKey()), "TLSA", rdata);
            }
        }
        extension.extend(ca, zones, dir, started::add);
        LdnsZoneSigner signer = new LdnsZoneSigner(dir.resolve("keys"));
        NsdServer nsd = started(started, NsdServer.start(zones, dir.resolve("nsd"), signer));
        Path anchor = signer.trustAnchor(dir.resolve("test-tld.ds"));
        return new StsWorld(ca, receivers, tlsa, started, nsd, nginx, anchor);
    }

    private static <T extends AutoCloseable> T started(List<AutoCloseable> started, T server) {
        started.add(server);
        return server;
    }

    /** A relay configured for this world: DNS from NSD, validated with the TLD anchor, the test CA trusted. */
    /**
     * A relay configured for this world: DNS from NSD, validated with the TLD anchor, the test CA trusted,
     * and a {@code tls.policy-map} with the entries of the manual cases.
     */
    RampartProcess.Builder relay(Path relayDir) throws IOException {
        StringBuilder map = new StringBuilder("# destination level\n");
        for (Case c : Case.values()) {
            if (!c.manual().isEmpty()) {
                map.append(c.domain()).append(' ').append(c.manual()).append('\n');
            }
        }
        Files.createDirectories(relayDir);
        Path policyMap = relayDir.resolve("tls-policy");
        Files.writeString(policyMap, map.toString(), StandardCharsets.US_ASCII);
        return RampartProcess.builder(relayDir).dns(nsd).dnssec("validate").trustAnchors(trustAnchor)
                .trustStore(trustStore()).policyMap(policyMap).retrySchedule("10m");
    }

    NsdServer nsd() {
        return nsd;
    }

    NginxServer nginx() {
        return nginx;
    }

    Path trustAnchor() {
        return trustAnchor;
    }

    /** The test CA as a PEM bundle: the relay's {@code tls.trust-store}. */
    Path trustStore() {
        return ca.pem();
    }

    TestCertificates.Ca ca() {
        return ca;
    }

    PostfixReceiver receiver(Receiver r) {
        return receivers.get(r);
    }

    /** Where mail for {@code c} goes (when it goes anywhere). */
    PostfixReceiver receiver(Case c) {
        return receivers.get(c.receiver());
    }

    /** The TLSA RDATA published for {@code host}; empty for none. */
    List<String> tlsa(String host) {
        return tlsaByHost.getOrDefault(host.toLowerCase(Locale.ROOT), List.of());
    }

    /** The address {@code c}'s MX host name resolves to. */
    InetAddress mxAddress(Case c) {
        return receiver(c).address();
    }

    String diagnostics() {
        return nsd.diagnostics() + nginx.diagnostics();
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
