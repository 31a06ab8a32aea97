package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DANE-06: usable = usage 2|3, selector 0|1, matching type 0|1|2 and well-formed data (RFC 7672 §3.1.3). */
class TlsaUsabilityTest {
    private static final TestPki.Issued CERT = TestPki.cert("CN=mx.example.com").selfSigned();
    private static final byte[] DER = encoded();
    private static final byte[] SPKI = CERT.cert().getPublicKey().getEncoded();

    private static byte[] encoded() {
        try {
            return CERT.cert().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> usable() {
        return Stream.of(
                Arguments.of(new TlsaRecord(3, 1, 1, new byte[32])),
                Arguments.of(new TlsaRecord(3, 0, 1, new byte[32])),
                Arguments.of(new TlsaRecord(2, 0, 1, new byte[32])),
                Arguments.of(new TlsaRecord(2, 1, 2, new byte[64])),
                Arguments.of(new TlsaRecord(3, 0, 0, DER)),
                Arguments.of(new TlsaRecord(2, 0, 0, DER)),
                Arguments.of(new TlsaRecord(3, 1, 0, SPKI)),
                Arguments.of(new TlsaRecord(2, 1, 0, SPKI)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usable")
    void usableRecords_DANE06(TlsaRecord r) {
        assertThat(TlsaUsability.unusableReason(r)).isEmpty();
        assertThat(TlsaUsability.usable(r)).isTrue();
    }

    static Stream<Arguments> unusable() {
        byte[] pem = ("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(DER)
                + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        return Stream.of(
                Arguments.of(new TlsaRecord(0, 0, 1, new byte[32]), "usage 0 (PKIX-TA)"),
                Arguments.of(new TlsaRecord(1, 1, 1, new byte[32]), "usage 1 (PKIX-EE)"),
                Arguments.of(new TlsaRecord(4, 1, 1, new byte[32]), "unknown certificate usage 4"),
                Arguments.of(new TlsaRecord(255, 1, 1, new byte[32]), "unknown certificate usage 255"),
                Arguments.of(new TlsaRecord(3, 2, 1, new byte[32]), "unknown selector 2"),
                Arguments.of(new TlsaRecord(3, 255, 1, new byte[32]), "unknown selector 255"),
                Arguments.of(new TlsaRecord(3, 1, 3, new byte[32]), "unknown matching type 3"),
                Arguments.of(new TlsaRecord(2, 1, 255, new byte[32]), "unknown matching type 255"),
                Arguments.of(new TlsaRecord(3, 1, 1, new byte[31]), "SHA2-256 data is 31 octets, not 32"),
                Arguments.of(new TlsaRecord(3, 1, 1, new byte[33]), "SHA2-256 data is 33 octets, not 32"),
                Arguments.of(new TlsaRecord(3, 1, 1, new byte[64]), "SHA2-256 data is 64 octets, not 32"),
                Arguments.of(new TlsaRecord(3, 1, 2, new byte[32]), "SHA2-512 data is 32 octets, not 64"),
                Arguments.of(new TlsaRecord(3, 1, 2, new byte[0]), "SHA2-512 data is 0 octets, not 64"),
                Arguments.of(new TlsaRecord(3, 0, 0, new byte[0]), "empty association data"),
                Arguments.of(new TlsaRecord(3, 0, 0, new byte[] {0x30, 0x03, 1, 2, 3}), "not one DER X.509"),
                Arguments.of(new TlsaRecord(3, 0, 0, pem), "not one DER X.509"),
                Arguments.of(new TlsaRecord(3, 0, 0, Arrays.copyOf(DER, DER.length + 1)), "not one DER X.509"),
                Arguments.of(new TlsaRecord(3, 0, 0, Arrays.copyOf(DER, DER.length - 1)), "not one DER X.509"),
                Arguments.of(new TlsaRecord(2, 0, 0, SPKI), "not one DER X.509"),
                Arguments.of(new TlsaRecord(3, 1, 0, DER), "not one DER public key"),
                Arguments.of(new TlsaRecord(3, 1, 0, Arrays.copyOf(SPKI, SPKI.length + 2)), "not one DER public key"),
                Arguments.of(new TlsaRecord(2, 1, 0, new byte[] {0x30, (byte) 0x80, 0, 0}), "not one DER public key"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unusable")
    void unusableRecordsSayWhy_DANE06(TlsaRecord r, String reason) {
        assertThat(TlsaUsability.unusableReason(r)).hasValueSatisfying(s -> assertThat(s).contains(reason));
        assertThat(TlsaUsability.usable(r)).isFalse();
    }

    @Test
    void recordFieldsAreOctets() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TlsaRecord(256, 1, 1, new byte[32]));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TlsaRecord(3, -1, 1, new byte[32]));
    }
}
