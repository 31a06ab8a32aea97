package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * DANE-TA(2): the leaf chains to a TLSA-matched anchor from the peer's chain (or the record's own full
 * data), with signatures, dates, CA flags and path lengths checked, then the DANE-14/15 name check
 * (DANE-11; RFC 7672 §3.1.2; RFC 7671 §5.2).
 */
class DaneVerifierTaTest {
    private static final List<String> REFS = List.of("mx.example.com", "example.com");

    private static final TestPki.Issued ROOT = TestPki.cert("CN=Example Root,O=Example").ca().selfSigned();
    private static final TestPki.Issued INTERMEDIATE = TestPki.cert("CN=Example Issuing CA,O=Example").ca(0)
            .signedBy(ROOT);
    private static final TestPki.Issued LEAF = TestPki.cert("CN=mx.example.com").san("mx.example.com")
            .signedBy(INTERMEDIATE);

    private static DaneVerdict verify(TlsaRecord r, X509Certificate... chain) {
        return new DaneVerifier(List.of(r), REFS).verify(List.of(chain), TestPki.NOW);
    }

    private static DaneVerdict.Failed failed(DaneVerdict v) {
        assertThat(v).isInstanceOf(DaneVerdict.Failed.class);
        return (DaneVerdict.Failed) v;
    }

    @Test
    void matchAtRoot_DANE11() {
        TlsaRecord r = Tlsa.of(2, 0, 1, ROOT.cert());
        assertThat(verify(r, LEAF.cert(), INTERMEDIATE.cert(), ROOT.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, r, Optional.of(ROOT.cert())));
    }

    @Test
    void matchAtIntermediate_DANE11() {
        TlsaRecord r = Tlsa.of(2, 0, 1, INTERMEDIATE.cert());
        DaneVerdict v = verify(r, LEAF.cert(), INTERMEDIATE.cert());
        assertThat(v).isEqualTo(new DaneVerdict.Matched(DaneMode.TA, r, Optional.of(INTERMEDIATE.cert())));
        assertThat(v.describe()).startsWith("dane-ta matched 2 0 1 ").endsWith(", anchor CN=Example Issuing CA,O=Example");
    }

    @Test
    void digestOfARootThePeerDoesNotSendAnchorsNothing_DANE11() {
        assertThat(failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), LEAF.cert(), INTERMEDIATE.cert())).kind())
                .isEqualTo(RptFailure.TLSA_INVALID);
    }

    @Test
    void fullCertificateRecordAnchorsWhenAbsentFromHandshake_DANE11() {
        TlsaRecord r = Tlsa.of(2, 0, 0, ROOT.cert());
        assertThat(verify(r, LEAF.cert(), INTERMEDIATE.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, r, Optional.of(ROOT.cert())));
    }

    @Test
    void fullKeyRecordAnchorsWhenAbsentFromHandshake_DANE11() {
        TlsaRecord r = Tlsa.of(2, 1, 0, ROOT.cert());
        assertThat(verify(r, LEAF.cert(), INTERMEDIATE.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, r, Optional.empty()));
    }

    @Test
    void spkiDigestAtRootAndAtIntermediate_DANE11() {
        TlsaRecord atRoot = Tlsa.of(2, 1, 1, ROOT.cert());
        assertThat(verify(atRoot, LEAF.cert(), INTERMEDIATE.cert(), ROOT.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, atRoot, Optional.of(ROOT.cert())));
        TlsaRecord atIntermediate = Tlsa.of(2, 1, 2, INTERMEDIATE.cert());
        assertThat(verify(atIntermediate, LEAF.cert(), INTERMEDIATE.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, atIntermediate, Optional.of(INTERMEDIATE.cert())));
    }

    @Test
    void chainInAnyOrderWithExtraCertificates_DANE11() {
        TestPki.Issued unrelated = TestPki.cert("CN=Unrelated CA").ca().selfSigned();
        TlsaRecord r = Tlsa.of(2, 0, 1, ROOT.cert());
        assertThat(verify(r, LEAF.cert(), unrelated.cert(), ROOT.cert(), INTERMEDIATE.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, r, Optional.of(ROOT.cert())));
    }

    @Test
    void wrongSignature_DANE11() {
        TestPki.Issued forged = TestPki.cert("CN=mx.example.com").san("mx.example.com").forgedAs(INTERMEDIATE);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), forged.cert(), INTERMEDIATE.cert(),
                ROOT.cert()));
        assertThat(f.kind()).isEqualTo(RptFailure.CERTIFICATE_NOT_TRUSTED);
        assertThat(f.reason()).isEqualTo("DANE-TA chain invalid at CN=mx.example.com: invalid signature");
    }

    @Test
    void chainThatDoesNotReachTheMatchedAnchor_DANE11() {
        TestPki.Issued otherRoot = TestPki.cert("CN=Other Root").ca().selfSigned();
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, otherRoot.cert()), LEAF.cert(), INTERMEDIATE.cert(),
                otherRoot.cert()));
        assertThat(f.kind()).isEqualTo(RptFailure.CERTIFICATE_NOT_TRUSTED);
        assertThat(f.reason()).startsWith("DANE-TA chain does not reach a TLSA-matched anchor (2 0 1 ")
                .endsWith(" matched CN=Other Root)");
    }

    @Test
    void expiredIntermediate_DANE11() {
        TestPki.Issued expired = TestPki.cert("CN=Expired CA").ca().expired().signedBy(ROOT);
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(expired);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), leaf.cert(), expired.cert(), ROOT.cert()));
        assertThat(f).isEqualTo(new DaneVerdict.Failed("DANE-TA chain expired at CN=Expired CA",
                RptFailure.CERTIFICATE_EXPIRED));
    }

    @Test
    void expiredCertificateAnchorFailsButAKeyAnchorHasNoDates_DANE11() {
        TestPki.Issued expired = TestPki.cert("CN=Expired CA").ca().expired().signedBy(ROOT);
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(expired);
        assertThat(failed(verify(Tlsa.of(2, 0, 1, expired.cert()), leaf.cert(), expired.cert())))
                .isEqualTo(new DaneVerdict.Failed("DANE-TA chain expired at CN=Expired CA",
                        RptFailure.CERTIFICATE_EXPIRED));
        TlsaRecord key = Tlsa.of(2, 1, 1, expired.cert());
        assertThat(verify(key, leaf.cert(), expired.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, key, Optional.of(expired.cert())));

        TestPki.Issued futureRoot = TestPki.cert("CN=Future Root").ca()
                .validity(TestPki.NOW.plus(Duration.ofDays(1)), TestPki.NOW.plus(Duration.ofDays(900))).selfSigned();
        TestPki.Issued leaf2 = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(futureRoot);
        assertThat(failed(verify(Tlsa.of(2, 0, 0, futureRoot.cert()), leaf2.cert())))
                .isEqualTo(new DaneVerdict.Failed("DANE-TA chain not yet valid at CN=Future Root",
                        RptFailure.CERTIFICATE_EXPIRED));
    }

    @Test
    void expiredAndNotYetValidLeaf_DANE11() {
        TestPki.Issued expired = TestPki.cert("CN=mx.example.com").san("mx.example.com").expired().signedBy(ROOT);
        assertThat(failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), expired.cert(), ROOT.cert())))
                .isEqualTo(new DaneVerdict.Failed("DANE-TA chain expired at CN=mx.example.com",
                        RptFailure.CERTIFICATE_EXPIRED));
        TestPki.Issued future = TestPki.cert("CN=mx.example.com").san("mx.example.com")
                .validity(TestPki.NOW.plus(Duration.ofDays(1)), TestPki.NOW.plus(Duration.ofDays(90))).signedBy(ROOT);
        assertThat(failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), future.cert(), ROOT.cert())))
                .isEqualTo(new DaneVerdict.Failed("DANE-TA chain not yet valid at CN=mx.example.com",
                        RptFailure.CERTIFICATE_EXPIRED));
    }

    @Test
    void intermediateWithoutCaFlag_DANE11() {
        TestPki.Issued notCa = TestPki.cert("CN=Not A CA").signedBy(ROOT);
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(notCa);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), leaf.cert(), notCa.cert(), ROOT.cert()));
        assertThat(f.kind()).isEqualTo(RptFailure.CERTIFICATE_NOT_TRUSTED);
        assertThat(f.reason()).isEqualTo("DANE-TA chain invalid at CN=Not A CA: not a CA certificate");
    }

    @Test
    void certificateAnchorWithoutCaFlag_DANE11() {
        TestPki.Issued notCaRoot = TestPki.cert("CN=Plain Root").selfSigned();
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(notCaRoot);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, notCaRoot.cert()), leaf.cert(), notCaRoot.cert()));
        assertThat(f).isEqualTo(new DaneVerdict.Failed("DANE-TA anchor CN=Plain Root is not a CA certificate",
                RptFailure.CERTIFICATE_NOT_TRUSTED));
        // A 2 1 x record trusts the key, not the certificate around it: no CA constraints of its own.
        TlsaRecord key = Tlsa.of(2, 1, 1, notCaRoot.cert());
        assertThat(verify(key, leaf.cert(), notCaRoot.cert()))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.TA, key, Optional.of(notCaRoot.cert())));
    }

    @Test
    void anchorPathLengthExceeded_DANE11() {
        TestPki.Issued root = TestPki.cert("CN=Leaf-only Root").ca(0).selfSigned();
        TestPki.Issued intermediate = TestPki.cert("CN=Sub CA").ca().signedBy(root);
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(intermediate);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, root.cert()), leaf.cert(), intermediate.cert(),
                root.cert()));
        assertThat(f).isEqualTo(new DaneVerdict.Failed(
                "DANE-TA anchor CN=Leaf-only Root allows 0 intermediate CA certificate(s), chain has 1",
                RptFailure.CERTIFICATE_NOT_TRUSTED));
    }

    @Test
    void intermediatePathLengthExceeded_DANE11() {
        // INTERMEDIATE has pathLen 0, so no further CA may sit below it.
        TestPki.Issued sub = TestPki.cert("CN=Sub Sub CA").ca().signedBy(INTERMEDIATE);
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(sub);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), leaf.cert(), sub.cert(),
                INTERMEDIATE.cert(), ROOT.cert()));
        assertThat(f.kind()).isEqualTo(RptFailure.CERTIFICATE_NOT_TRUSTED);
        assertThat(f.reason()).startsWith("DANE-TA chain invalid at ").endsWith(": path length constraint exceeded");
    }

    @Test
    void nameMismatch_DANE14() {
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mail.example.net", "smtp.example.net")
                .signedBy(INTERMEDIATE);
        DaneVerdict.Failed f = failed(verify(Tlsa.of(2, 0, 1, ROOT.cert()), leaf.cert(), INTERMEDIATE.cert(),
                ROOT.cert()));
        assertThat(f).isEqualTo(new DaneVerdict.Failed("DANE-TA name check failed: certificate names "
                + "[mail.example.net, smtp.example.net] do not match [mx.example.com, example.com]",
                RptFailure.CERTIFICATE_HOST_MISMATCH));
    }

    @Test
    void anyReferenceIdentifierAndWildcards_DANE14_DANE15() {
        TestPki.Issued nextHop = TestPki.cert("CN=x").san("EXAMPLE.com.").signedBy(INTERMEDIATE);
        TestPki.Issued wildcard = TestPki.cert("CN=x").san("*.example.com").signedBy(INTERMEDIATE);
        TestPki.Issued deep = TestPki.cert("CN=x").san("*.example.com").signedBy(INTERMEDIATE);
        TlsaRecord r = Tlsa.of(2, 0, 1, INTERMEDIATE.cert());
        assertThat(verify(r, nextHop.cert(), INTERMEDIATE.cert())).isInstanceOf(DaneVerdict.Matched.class);
        assertThat(verify(r, wildcard.cert(), INTERMEDIATE.cert())).isInstanceOf(DaneVerdict.Matched.class);
        DaneVerdict v = new DaneVerifier(List.of(r), List.of("a.b.example.com")).verify(
                List.of(deep.cert(), INTERMEDIATE.cert()), TestPki.NOW);
        assertThat(failed(v).kind()).isEqualTo(RptFailure.CERTIFICATE_HOST_MISMATCH);
    }

    @Test
    void taRecordMatchingOnlyTheLeafDoesNotAuthenticate_DANE11() {
        TestPki.Issued selfSigned = TestPki.cert("CN=mx.example.com").san("mx.example.com").ca().selfSigned();
        assertThat(failed(verify(Tlsa.of(2, 0, 1, selfSigned.cert()), selfSigned.cert())).kind())
                .isEqualTo(RptFailure.TLSA_INVALID);
    }

    @Test
    void checkTimeComesFromTheCaller_DANE11() {
        TlsaRecord r = Tlsa.of(2, 0, 1, ROOT.cert());
        DaneVerifier verifier = new DaneVerifier(List.of(r), REFS);
        List<X509Certificate> chain = List.of(LEAF.cert(), INTERMEDIATE.cert(), ROOT.cert());
        assertThat(verifier.verify(chain, TestPki.NOW)).isInstanceOf(DaneVerdict.Matched.class);
        assertThat(failed(verifier.verify(chain, TestPki.NOW.plus(Duration.ofDays(31)))).kind())
                .isEqualTo(RptFailure.CERTIFICATE_EXPIRED);
    }

    @Test
    void eeMatchWinsOverFailingTa() {
        TestPki.Issued expiredLeaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").expired()
                .signedBy(INTERMEDIATE);
        TlsaRecord ee = Tlsa.of(3, 1, 1, expiredLeaf.cert());
        TlsaRecord ta = Tlsa.of(2, 0, 1, ROOT.cert());
        assertThat(new DaneVerifier(List.of(ta, ee), REFS).verify(
                List.of(expiredLeaf.cert(), INTERMEDIATE.cert(), ROOT.cert()), TestPki.NOW))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.EE, ee, Optional.empty()));
    }

    @Test
    void failureThatGotFurthestIsReported() {
        TestPki.Issued otherRoot = TestPki.cert("CN=Other Root").ca().selfSigned();
        TestPki.Issued expiredLeaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").expired()
                .signedBy(INTERMEDIATE);
        List<TlsaRecord> records = List.of(Tlsa.of(3, 1, 1, otherRoot.cert()), Tlsa.of(2, 0, 1, otherRoot.cert()),
                Tlsa.of(2, 0, 2, ROOT.cert()));
        DaneVerdict v = new DaneVerifier(records, REFS).verify(
                List.of(expiredLeaf.cert(), INTERMEDIATE.cert(), ROOT.cert(), otherRoot.cert()), TestPki.NOW);
        assertThat(v).isEqualTo(new DaneVerdict.Failed("DANE-TA chain expired at CN=mx.example.com",
                RptFailure.CERTIFICATE_EXPIRED));
    }
}
