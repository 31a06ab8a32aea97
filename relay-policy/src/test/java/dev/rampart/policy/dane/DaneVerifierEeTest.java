package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DANE-EE(3): only the leaf counts; no name, date or chain checks (DANE-10; RFC 7672 §3.1.1). */
class DaneVerifierEeTest {
    /** Expired, self-signed and named for another host: DANE-EE must not care. */
    private static final TestPki.Issued LEAF = TestPki.cert("CN=wrong.example.net").san("wrong.example.net")
            .validity(TestPki.NOW.minus(Duration.ofDays(900)), TestPki.NOW.minus(Duration.ofDays(400))).selfSigned();
    private static final TestPki.Issued OTHER = TestPki.cert("CN=mx.example.com").san("mx.example.com").selfSigned();
    private static final List<String> REFS = List.of("mx.example.com");

    @ParameterizedTest(name = "3 {0} {1}")
    @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
    void expiredSelfSignedMisnamedLeafMatches_DANE10(int selector, int matchingType) {
        TlsaRecord r = Tlsa.of(3, selector, matchingType, LEAF.cert());
        DaneVerdict v = new DaneVerifier(List.of(r), REFS).verify(List.of(LEAF.cert()), TestPki.NOW);
        assertThat(v).isEqualTo(new DaneVerdict.Matched(DaneMode.EE, r, Optional.empty()));
    }

    @ParameterizedTest(name = "3 {0} {1}")
    @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2"})
    void otherLeafDoesNotMatch_DANE10(int selector, int matchingType) {
        TlsaRecord r = Tlsa.of(3, selector, matchingType, OTHER.cert());
        DaneVerdict v = new DaneVerifier(List.of(r), REFS).verify(List.of(LEAF.cert()), TestPki.NOW);
        String spki = HexFormat.of().formatHex(Tlsa.sha256(LEAF.cert().getPublicKey().getEncoded()), 0, 8);
        assertThat(v).isEqualTo(new DaneVerdict.Failed(
                "no TLSA record matched: leaf SPKI sha256 " + spki + "… (tried 3 " + selector + " " + matchingType + ")",
                RptFailure.TLSA_INVALID));
    }

    @Test
    void eeRecordMatchingOnlyAnIssuerDoesNotMatch_DANE10() {
        TestPki.Issued ca = TestPki.cert("CN=Example CA").ca().selfSigned();
        TestPki.Issued leaf = TestPki.cert("CN=mx.example.com").san("mx.example.com").signedBy(ca);
        DaneVerdict v = new DaneVerifier(List.of(Tlsa.of(3, 1, 1, ca.cert())), REFS)
                .verify(List.of(leaf.cert(), ca.cert()), TestPki.NOW);
        assertThat(v).isInstanceOfSatisfying(DaneVerdict.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(RptFailure.TLSA_INVALID));
    }

    @Test
    void anyMatchingRecordOfTheSetAuthenticates_DANE10() {
        TlsaRecord other = Tlsa.of(3, 1, 1, OTHER.cert());
        TlsaRecord own = Tlsa.of(3, 0, 1, LEAF.cert());
        DaneVerdict v = new DaneVerifier(List.of(other, own), REFS).verify(List.of(LEAF.cert()), TestPki.NOW);
        assertThat(v).isEqualTo(new DaneVerdict.Matched(DaneMode.EE, own, Optional.empty()));
        assertThat(v.describe()).isEqualTo("dane-ee matched 3 0 1 " + HexFormat.of().formatHex(own.data(), 0, 8) + "…");
    }

    @Test
    void weakerDigestIsIgnoredWhenAStrongerOneIsPublished_DANE12() {
        TlsaRecord sha256OfLeaf = Tlsa.of(3, 1, 1, LEAF.cert());
        TlsaRecord sha512OfOther = Tlsa.of(3, 1, 2, OTHER.cert());
        DaneVerifier verifier = new DaneVerifier(List.of(sha256OfLeaf, sha512OfOther), REFS);

        assertThat(verifier.effectiveRecords()).containsExactly(sha512OfOther);
        assertThat(verifier.verify(List.of(LEAF.cert()), TestPki.NOW))
                .isInstanceOfSatisfying(DaneVerdict.Failed.class, f -> assertThat(f.reason()).endsWith("(tried 3 1 2)"));
        assertThat(verifier.verify(List.of(OTHER.cert()), TestPki.NOW))
                .isEqualTo(new DaneVerdict.Matched(DaneMode.EE, sha512OfOther, Optional.empty()));
    }

    @Test
    void unusableRecordsAloneAuthenticateNothing_DANE06() {
        TlsaRecord pkixEe = Tlsa.of(1, 1, 1, LEAF.cert());
        DaneVerdict v = new DaneVerifier(List.of(pkixEe), REFS).verify(List.of(LEAF.cert()), TestPki.NOW);
        assertThat(v).isEqualTo(new DaneVerdict.Failed("no usable TLSA record", RptFailure.TLSA_INVALID));
    }

    @Test
    void emptyAndOverlongChainsFail() {
        DaneVerifier verifier = new DaneVerifier(List.of(Tlsa.of(3, 1, 1, LEAF.cert())), REFS);
        assertThat(verifier.verify(List.of(), TestPki.NOW))
                .isEqualTo(new DaneVerdict.Failed("peer presented no certificate", RptFailure.CERTIFICATE_NOT_TRUSTED));
        List<X509Certificate> overlong = Collections.nCopies(17, LEAF.cert());
        assertThat(verifier.verify(overlong, TestPki.NOW)).isInstanceOfSatisfying(DaneVerdict.Failed.class,
                f -> assertThat(f.reason()).isEqualTo("peer presented 17 certificates, more than 16"));
    }
}
