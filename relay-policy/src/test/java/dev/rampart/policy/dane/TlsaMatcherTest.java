package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6698 §2.1.2–2.1.3 selectors and matching types (DANE-10), digest agility (DANE-12). */
class TlsaMatcherTest {
    private static final TestPki.Issued CERT = TestPki.cert("CN=mx.example.com").selfSigned();
    private static final TestPki.Issued OTHER = TestPki.cert("CN=mx.example.com").selfSigned();

    static Stream<Arguments> selectorsAndMatchingTypes() {
        return Stream.of(Arguments.of(0, 0), Arguments.of(0, 1), Arguments.of(0, 2),
                Arguments.of(1, 0), Arguments.of(1, 1), Arguments.of(1, 2));
    }

    @ParameterizedTest(name = "x {0} {1}")
    @MethodSource("selectorsAndMatchingTypes")
    void matchesOwnDataOnly_DANE10(int selector, int matchingType) {
        TlsaRecord own = Tlsa.of(3, selector, matchingType, CERT.cert());
        assertThat(TlsaMatcher.associationData(CERT.cert(), selector, matchingType)).hasValue(own.data());
        assertThat(TlsaMatcher.matches(own, CERT.cert())).isTrue();
        assertThat(TlsaMatcher.matches(own, OTHER.cert())).isFalse();
    }

    @Test
    void selectorOneHashesTheSpkiAsEncodedInTheCertificate_DANE10() throws Exception {
        // A certificate and a key pair that share the key: selector 1 matches both, selector 0 only its own.
        TestPki.Issued sameKey = TestPki.cert("CN=renewed.example.com").keys(CERT.keys()).selfSigned();
        assertThat(TlsaMatcher.matches(Tlsa.of(3, 1, 1, CERT.cert()), sameKey.cert())).isTrue();
        assertThat(TlsaMatcher.matches(Tlsa.of(3, 0, 1, CERT.cert()), sameKey.cert())).isFalse();
        assertThat(Der.subjectPublicKeyInfo(sameKey.cert().getEncoded()))
                .hasValue(CERT.keys().getPublic().getEncoded());
    }

    @Test
    void spkiOfVersion1AndRsaCertificates_DANE10() throws Exception {
        TestPki.Issued v1 = TestPki.v1SelfSigned("CN=old.example.com");
        assertThat(v1.cert().getVersion()).isEqualTo(1);
        assertThat(Der.subjectPublicKeyInfo(v1.cert().getEncoded())).hasValue(v1.keys().getPublic().getEncoded());
        assertThat(TlsaMatcher.matches(Tlsa.of(3, 1, 1, v1.cert()), v1.cert())).isTrue();

        TestPki.Issued rsa = TestPki.cert("CN=rsa.example.com").keys(TestPki.newRsaKey()).selfSigned();
        assertThat(Der.subjectPublicKeyInfo(rsa.cert().getEncoded())).hasValue(rsa.keys().getPublic().getEncoded());
        assertThat(TlsaMatcher.matches(Tlsa.of(3, 1, 2, rsa.cert()), rsa.cert())).isTrue();
        assertThat(TlsaUsability.usable(new TlsaRecord(3, 1, 0, rsa.keys().getPublic().getEncoded()))).isTrue();
    }

    @Test
    void derReaderRefusesTruncatedAndNonDerInput() {
        assertThat(Der.subjectPublicKeyInfo(new byte[0])).isEmpty();
        assertThat(Der.subjectPublicKeyInfo(new byte[] {0x30, 0x02, 0x30, 0x00})).isEmpty();
        assertThat(Der.isSingleSequence(new byte[] {0x30, 0x00})).isTrue();
        assertThat(Der.isSingleSequence(new byte[] {0x30, 0x00, 0x00})).isFalse();
        assertThat(Der.isSingleSequence(new byte[] {0x30, (byte) 0x81, 0x01, 0x00})).as("long form for a short length").isFalse();
        assertThat(Der.isSingleSequence(new byte[] {0x31, 0x00})).as("a SET").isFalse();
    }

    private static TlsaRecord rec(int u, int s, int m, int fill) {
        byte[] data = new byte[m == 2 ? 64 : 32];
        Arrays.fill(data, (byte) fill);
        return new TlsaRecord(u, s, m, data);
    }

    static Stream<Arguments> agility() {
        TlsaRecord full = new TlsaRecord(3, 1, 0, CERT.cert().getPublicKey().getEncoded());
        return Stream.of(
                Arguments.of(List.of(rec(3, 1, 1, 1), rec(3, 1, 2, 2)), List.of(rec(3, 1, 2, 2))),
                Arguments.of(List.of(rec(3, 1, 2, 2), rec(3, 1, 1, 1), rec(3, 1, 1, 3)), List.of(rec(3, 1, 2, 2))),
                Arguments.of(List.of(rec(3, 1, 1, 1), rec(3, 1, 1, 3)), List.of(rec(3, 1, 1, 1), rec(3, 1, 1, 3))),
                // separate (usage, selector) groups do not retire each other
                Arguments.of(List.of(rec(3, 1, 1, 1), rec(3, 0, 2, 2)), List.of(rec(3, 1, 1, 1), rec(3, 0, 2, 2))),
                Arguments.of(List.of(rec(2, 1, 1, 1), rec(3, 1, 2, 2)), List.of(rec(2, 1, 1, 1), rec(3, 1, 2, 2))),
                // Full records stay
                Arguments.of(List.of(full, rec(3, 1, 1, 1), rec(3, 1, 2, 2)), List.of(full, rec(3, 1, 2, 2))),
                // an unusable SHA2-512 record (wrong length) retires nothing and is dropped
                Arguments.of(List.of(rec(3, 1, 1, 1), new TlsaRecord(3, 1, 2, new byte[32]), rec(1, 1, 1, 4)),
                        List.of(rec(3, 1, 1, 1))));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("agility")
    void strongestDigestPerUsageAndSelector_DANE12(List<TlsaRecord> published, List<TlsaRecord> effective) {
        assertThat(TlsaMatcher.effectiveRecords(published)).containsExactlyElementsOf(effective);
    }
}
