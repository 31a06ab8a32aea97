package dev.rampart.policy.dane;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLSA resource record's data (RFC 6698 §2.1), as published: fields are kept even when their values
 * are unknown or the data is malformed, because usability is decided separately (DANE-06) and TLS-RPT
 * reports the records as published (RPT-04).
 *
 * @param usage         certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector      0 full certificate, 1 SubjectPublicKeyInfo
 * @param matchingType  0 full, 1 SHA2-256, 2 SHA2-512
 * @param data          certificate association data
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {

    public TlsaRecord {
        if (usage < 0 || usage > 255 || selector < 0 || selector > 255 || matchingType < 0 || matchingType > 255) {
            throw new IllegalArgumentException("TLSA fields are octets");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** RFC 8460 §4.4 / RPT-04 presentation: "U S M HEX", hex without spaces. */
    public String presentation() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsaRecord r && r.usage == usage && r.selector == selector
                && r.matchingType == matchingType && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return presentation();
    }
}
