package dev.rampart.policy.dane;

import java.util.Arrays;
import java.util.Optional;

/**
 * The little DER reading DANE needs: whether bytes are exactly one DER SEQUENCE, and the
 * SubjectPublicKeyInfo of a certificate exactly as encoded in it. Selector 1 hashes the certificate's
 * own SPKI octets (RFC 6698 §1.1.2); a provider's re-encoding of the parsed key could differ from them,
 * so the octets are cut out of the DER rather than rebuilt. Pure and thread-safe; malformed input gives
 * an empty result, never an exception.
 */
final class Der {
    private static final int SEQUENCE = 0x30;
    private static final int CONTEXT_0 = 0xA0;

    private Der() {}

    /** True when {@code data} is one complete DER SEQUENCE with nothing after it. */
    static boolean isSingleSequence(byte[] data) {
        return element(data, 0).filter(e -> e.tag == SEQUENCE && e.end == data.length).isPresent();
    }

    /** The DER SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1), as it appears in it. */
    static Optional<byte[]> subjectPublicKeyInfo(byte[] certificate) {
        Optional<Element> cert = element(certificate, 0).filter(e -> e.tag == SEQUENCE);
        if (cert.isEmpty()) {
            return Optional.empty();
        }
        Optional<Element> tbs = element(certificate, cert.get().contentStart).filter(e -> e.tag == SEQUENCE);
        if (tbs.isEmpty()) {
            return Optional.empty();
        }
        int pos = tbs.get().contentStart;
        Optional<Element> first = element(certificate, pos);
        if (first.isPresent() && first.get().tag == CONTEXT_0) {
            pos = first.get().end; // explicit version
        }
        // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo
        for (int skip = 0; skip < 5; skip++) {
            Optional<Element> e = element(certificate, pos);
            if (e.isEmpty() || e.get().end > tbs.get().end) {
                return Optional.empty();
            }
            pos = e.get().end;
        }
        return element(certificate, pos)
                .filter(e -> e.tag == SEQUENCE && e.end <= tbs.get().end)
                .map(e -> Arrays.copyOfRange(certificate, e.start, e.end));
    }

    private record Element(int tag, int start, int contentStart, int end) {}

    /** One definite-length, low-tag-number DER element starting at {@code start}. */
    private static Optional<Element> element(byte[] d, int start) {
        if (start < 0 || start + 2 > d.length) {
            return Optional.empty();
        }
        int tag = d[start] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            return Optional.empty(); // high tag numbers never occur where DANE looks
        }
        int first = d[start + 1] & 0xFF;
        int pos = start + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 4 || pos + octets > d.length) {
                return Optional.empty(); // indefinite length is BER, not DER
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (d[pos + i] & 0xFF);
            }
            if (length < 0x80 || (d[pos] & 0xFF) == 0) {
                return Optional.empty(); // DER uses the shortest length form
            }
            pos += octets;
        }
        long end = pos + length;
        if (end > d.length) {
            return Optional.empty();
        }
        return Optional.of(new Element(tag, start, pos, (int) end));
    }
}
