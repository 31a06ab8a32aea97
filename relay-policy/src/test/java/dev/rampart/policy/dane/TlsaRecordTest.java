package dev.rampart.policy.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The record model keeps published values as they are (RPT-04 presentation) and cannot be changed. */
class TlsaRecordTest {

    @Test
    void presentationIsUsageSelectorTypeAndHex_RPT04() {
        TlsaRecord r = new TlsaRecord(3, 1, 1, HexFormat.of().parseHex("00ff10"));
        assertThat(r.presentation()).isEqualTo("3 1 1 00ff10");
        assertThat(r).hasToString("3 1 1 00ff10");
    }

    @Test
    void dataIsCopiedInAndOut() {
        byte[] data = {1, 2, 3};
        TlsaRecord r = new TlsaRecord(3, 1, 0, data);
        data[0] = 9;
        r.data()[1] = 9;
        assertThat(r.data()).containsExactly(1, 2, 3);
    }

    @Test
    void equalityIsByValueIncludingData() {
        assertThat(new TlsaRecord(2, 0, 1, new byte[] {1, 2})).isEqualTo(new TlsaRecord(2, 0, 1, new byte[] {1, 2}))
                .hasSameHashCodeAs(new TlsaRecord(2, 0, 1, new byte[] {1, 2}))
                .isNotEqualTo(new TlsaRecord(2, 0, 1, new byte[] {1, 3}))
                .isNotEqualTo(new TlsaRecord(3, 0, 1, new byte[] {1, 2}));
    }
}
