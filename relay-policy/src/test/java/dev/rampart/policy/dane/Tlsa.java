package dev.rampart.policy.dane;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;

/**
 * TLSA records for test certificates, computed here from the JDK's own encodings rather than by the code
 * under test, so a matcher bug cannot hide behind the same bug in the fixture.
 */
final class Tlsa {
    private Tlsa() {}

    static TlsaRecord of(int usage, int selector, int matchingType, X509Certificate cert) {
        try {
            byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
            byte[] data = switch (matchingType) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> throw new IllegalArgumentException("matching type " + matchingType);
            };
            return new TlsaRecord(usage, selector, matchingType, data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
