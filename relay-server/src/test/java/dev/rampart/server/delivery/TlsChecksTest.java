package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.AuditResult;
import dev.rampart.policy.decide.Authentication;
import dev.rampart.policy.decide.HostPlan;
import dev.rampart.policy.decide.ShadowPlan;
import dev.rampart.policy.decide.TlsRequirement;
import dev.rampart.policy.decide.TlsRptRecording;
import dev.rampart.policy.decide.TlsRptResultType;
import dev.rampart.policy.sts.fetch.StsTrust;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The session checks alone, on real certificates without sockets: the report-only PKIX audit of MTA-STS
 * {@code testing} classified for TLS-RPT (STS-18, STS-20, RPT-06) and shadow mode's evaluation of what
 * enforcement would have demanded (DANE-07, STS-19, issue acceptance 4).
 */
class TlsChecksTest {
    private static final String HOST = "mx.checks.example";
    private static final TestCertificates.IssuedCert GOOD = TestCertificates.issued(HOST, "Checks CA");
    private static final String TLS13 = "TLS_AES_128_GCM_SHA256";

    private final TlsChecks checks = new TlsChecks(trusting(GOOD.ca()), InstantSource.system());

    private static javax.net.ssl.X509TrustManager trusting(X509Certificate ca) {
        try {
            return StsTrust.of(List.of(ca), false).trustManager();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A chain [leaf, ca] whose leaf names {@link #HOST} but is valid only from notBefore to notAfter. */
    private static X509Certificate[] chainValidBetween(Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair caKeys = g.generateKeyPair();
            KeyPair leafKeys = g.generateKeyPair();
            X500Name caName = new X500Name("CN=Expiry CA");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                    Date.from(now.minus(Duration.ofDays(60))), Date.from(now.plus(Duration.ofDays(60))), caName,
                    caKeys.getPublic());
            cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            X509Certificate ca = new JcaX509CertificateConverter()
                    .getCertificate(cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            JcaX509v3CertificateBuilder lb = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + HOST), leafKeys.getPublic());
            lb.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, HOST)));
            X509Certificate leaf = new JcaX509CertificateConverter()
                    .getCertificate(lb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
            return new X509Certificate[] {leaf, ca};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObservedTls.Negotiated session(String cipher, X509Certificate... chain) {
        return new ObservedTls.Negotiated("TLSv1.3", cipher, "CN=peer", "unauthenticated", List.of(chain));
    }

    private static HostPlan.Connect testing() {
        return new HostPlan.Connect(HOST, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, HOST, "", List.of(),
                "TLSv1.2", AppliedPolicy.MTA_STS, "row 17", new TlsRptRecording.NotRecorded("test"),
                new Authentication.Pkix(List.of(HOST)));
    }

    private static HostPlan.Connect required(Authentication authentication) {
        return new HostPlan.Connect(HOST, TlsRequirement.REQUIRED, authentication, HOST, HOST, List.of(), "TLSv1.2",
                authentication instanceof Authentication.Pkix ? AppliedPolicy.MTA_STS : AppliedPolicy.DANE, "enforced",
                new TlsRptRecording.NotRecorded("test"));
    }

    private static ShadowPlan demanding(Authentication authentication) {
        HostPlan.Connect enforced = required(authentication);
        return new ShadowPlan.Demanding(new HostPlan.Connect(HOST, TlsRequirement.OPPORTUNISTIC, Authentication.NONE,
                HOST, HOST, List.of(), "TLSv1.2", enforced.policy(), "relaxed", enforced.tlsRpt()), enforced);
    }

    private static Authentication.Dane dane(X509Certificate leaf, boolean matching) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded());
        if (!matching) {
            digest[0] ^= 1;
        }
        return new Authentication.Dane(List.of(new TlsaRecord(3, 1, 1, digest)), List.of(HOST));
    }

    // ---- report-only audit (STS-20) -----------------------------------------------------------------

    @Test
    void sts18_trustedChainNamingTheMxPassesUnderTls13AndTls12Suites() {
        assertThat(checks.audit(testing(), session(TLS13, GOOD.leaf(), GOOD.ca()))).isEqualTo(AuditResult.PASSED);
        assertThat(checks.audit(testing(), session("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", GOOD.leaf(), GOOD.ca())))
                .isEqualTo(AuditResult.PASSED);
    }

    @Test
    void rpt06_untrustedChainIsCertificateNotTrusted() {
        TestCertificates.ServerCert self = TestCertificates.selfSigned(HOST);
        AuditResult result = checks.audit(testing(), session(TLS13, self.certificate()));
        assertThat(result).isInstanceOfSatisfying(AuditResult.Failed.class, f -> {
            assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
            assertThat(f.reason()).startsWith("certificate chain not trusted");
        });
        assertThat(result.logValue()).isEqualTo("certificate-not-trusted");
    }

    @Test
    void rpt06_sts18_trustedChainForAnotherNameIsCertificateHostMismatch() {
        TestCertificates.IssuedCert other = TestCertificates.issued("elsewhere.example", "Other CA");
        TlsChecks trustingOther = new TlsChecks(trusting(other.ca()), InstantSource.system());
        AuditResult result = trustingOther.audit(testing(), session(TLS13, other.leaf(), other.ca()));
        assertThat(result).isInstanceOfSatisfying(AuditResult.Failed.class, f -> {
            assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
            assertThat(f.reason()).contains("do not match").contains(HOST);
        });
    }

    @Test
    void rpt06_expiredLeafIsCertificateExpired() {
        Instant now = Instant.now();
        X509Certificate[] expired = chainValidBetween(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(2)));
        TlsChecks trustingIt = new TlsChecks(trusting(expired[1]), InstantSource.system());
        assertThat(trustingIt.audit(testing(), session(TLS13, expired)))
                .isInstanceOfSatisfying(AuditResult.Failed.class,
                        f -> assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_EXPIRED));
    }

    @Test
    void sts20_plaintextWithoutOrRefusedStartTlsIsStarttlsNotSupported() {
        assertThat(checks.audit(testing(), new ObservedTls.None(ObservedTls.Plaintext.NOT_OFFERED, "STARTTLS not offered")))
                .isEqualTo(new AuditResult.NoStarttls("STARTTLS not offered"));
        AuditResult refused = checks.audit(testing(),
                new ObservedTls.None(ObservedTls.Plaintext.REFUSED, "STARTTLS refused: 454 4.7.0 TLS not available"));
        assertThat(refused.logValue()).isEqualTo("starttls-not-supported");
        assertThat(((AuditResult.NoStarttls) refused).reason()).contains("454");
    }

    @Test
    void rpt06_handshakeFailureBeforeAPlaintextRetryIsAValidationFailure() {
        AuditResult result = checks.audit(testing(),
                new ObservedTls.None(ObservedTls.Plaintext.HANDSHAKE_FAILED, "the TLS handshake failed: alert 40"));
        assertThat(result).isEqualTo(new AuditResult.Failed("the TLS handshake failed: alert 40",
                TlsRptResultType.VALIDATION_FAILURE));
    }

    @Test
    void planWithoutAuditIsNotAudited() {
        TestCertificates.ServerCert self = TestCertificates.selfSigned(HOST);
        assertThat(checks.audit(required(Authentication.NONE), session(TLS13, self.certificate())))
                .isEqualTo(AuditResult.NOT_AUDITED);
    }

    // ---- shadow mode ------------------------------------------------------------------------------

    @Test
    void dane07_shadowDaneMismatchWouldBlockWithTheVerifierReason() throws Exception {
        TestCertificates.ServerCert self = TestCertificates.selfSigned("not-the-mx.example");
        ShadowFinding finding = checks.shadow(demanding(dane(self.certificate(), false)), session(TLS13, self.certificate()));
        assertThat(finding).isInstanceOfSatisfying(ShadowFinding.WouldBlock.class,
                b -> assertThat(b.reason()).startsWith("no TLSA record matched"));
    }

    @Test
    void dane10_shadowDaneMatchIsMetWithoutAnyNameCheck() throws Exception {
        TestCertificates.ServerCert self = TestCertificates.selfSigned("not-the-mx.example");
        assertThat(checks.shadow(demanding(dane(self.certificate(), true)), session(TLS13, self.certificate())))
                .isEqualTo(ShadowFinding.MET);
    }

    @Test
    void sts19_shadowPkixDemandOnAnUntrustedChainWouldBlock() {
        TestCertificates.ServerCert self = TestCertificates.selfSigned(HOST);
        ShadowPlan plan = demanding(new Authentication.Pkix(List.of(HOST)));
        assertThat(checks.shadow(plan, session(TLS13, self.certificate())))
                .isInstanceOfSatisfying(ShadowFinding.WouldBlock.class,
                        b -> assertThat(b.reason()).startsWith("certificate chain not trusted"));
        assertThat(checks.shadow(plan, session(TLS13, GOOD.leaf(), GOOD.ca()))).isEqualTo(ShadowFinding.MET);
    }

    @Test
    void pol05_shadowPlaintextUnderATlsDemandWouldBlockSayingWhy() {
        ShadowFinding finding = checks.shadow(demanding(Authentication.NONE),
                new ObservedTls.None(ObservedTls.Plaintext.NOT_OFFERED, "STARTTLS not offered"));
        assertThat(finding).isEqualTo(new ShadowFinding.WouldBlock("STARTTLS not offered; dane requires TLS"));
    }

    @Test
    void dane08_shadowUnauthenticatedTlsMeetsATlsOnlyDemand() {
        TestCertificates.ServerCert self = TestCertificates.selfSigned("whatever.example");
        assertThat(checks.shadow(demanding(Authentication.NONE), session(TLS13, self.certificate())))
                .isEqualTo(ShadowFinding.MET);
    }

    @Test
    void shadowSkipsWouldBlockAndTransientLookupFailuresAreOnlyIgnored() {
        HostPlan.Connect relaxed = new HostPlan.Connect(HOST, TlsRequirement.OPPORTUNISTIC, Authentication.NONE, HOST,
                "", List.of(), "TLSv1.2", AppliedPolicy.DANE, "relaxed", new TlsRptRecording.NotRecorded("test"));
        HostPlan.Skip bogus = new HostPlan.Skip(HOST, "TLSA lookup bogus: RRSIG expired", "4.7.5", "row 9",
                new TlsRptRecording.NotRecorded("test"));
        HostPlan.Skip servfail = new HostPlan.Skip(HOST, "TLSA lookup failed: SERVFAIL", "4.4.3", "row 10",
                new TlsRptRecording.NotRecorded("test"));
        ObservedTls tls = session(TLS13, GOOD.leaf());
        assertThat(checks.shadow(new ShadowPlan.WouldSkip(relaxed, bogus), tls)).isEqualTo(
                new ShadowFinding.WouldBlock("not contacted under enforcement: TLSA lookup bogus: RRSIG expired"));
        assertThat(checks.shadow(new ShadowPlan.LookupFailed(relaxed, servfail), tls))
                .isEqualTo(new ShadowFinding.Ignored("TLSA lookup failed: SERVFAIL"));
        assertThat(checks.shadow(new ShadowPlan.AsPlanned(relaxed), tls)).isEqualTo(ShadowFinding.MET);
    }

    @Test
    void authTypeComesFromTheTls12KeyExchangeElseUnknown() {
        assertThat(TlsChecks.authType("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).isEqualTo("ECDHE_RSA");
        assertThat(TlsChecks.authType("TLS_AES_256_GCM_SHA384")).isEqualTo("UNKNOWN");
    }
}
