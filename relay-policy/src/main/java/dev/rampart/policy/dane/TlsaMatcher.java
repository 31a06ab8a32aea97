package dev.rampart.policy.dane;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compares one certificate with one TLSA record (RFC 6698 §2.1.2–2.1.3: selector 0 the full DER
 * certificate, 1 its DER SubjectPublicKeyInfo; matching type 0 exact, 1 SHA2-256, 2 SHA2-512) and applies
 * digest algorithm agility to an RRset (DANE-12; RFC 7671 §9). Pure and thread-safe.
 */
public final class TlsaMatcher {
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private TlsaMatcher() {}

    /**
     * The usable records that take part in matching: unusable ones are dropped (DANE-06), and for each
     * (usage, selector) only Full(0) records and those with the strongest digest present remain (DANE-12),
     * so that publishing a SHA2-512 record retires the SHA2-256 ones of the same kind. Order is kept.
     */
    public static List<TlsaRecord> effectiveRecords(Collection<TlsaRecord> records) {
        List<TlsaRecord> usable = records.stream().filter(TlsaUsability::usable).toList();
        Map<Integer, Integer> strongest = new TreeMap<>();
        for (TlsaRecord r : usable) {
            if (r.matchingType() != 0) {
                strongest.merge(r.usage() * 256 + r.selector(), digestStrength(r.matchingType()), Math::max);
            }
        }
        List<TlsaRecord> kept = new ArrayList<>();
        for (TlsaRecord r : usable) {
            if (r.matchingType() == 0
                    || digestStrength(r.matchingType()) == strongest.get(r.usage() * 256 + r.selector())) {
                kept.add(r);
            }
        }
        return List.copyOf(kept);
    }

    /** Higher is stronger; only the digests DANE-06 admits exist here. */
    private static int digestStrength(int matchingType) {
        return matchingType == 2 ? 2 : 1;
    }

    /** True when the certificate's selected data, processed per the matching type, equals the record's data. */
    public static boolean matches(TlsaRecord record, X509Certificate certificate) {
        return associationData(certificate, record.selector(), record.matchingType())
                .filter(data -> MessageDigest.isEqual(data, record.data()))
                .isPresent();
    }

    /**
     * The association data this certificate would publish under the given selector and matching type;
     * empty for values DANE-06 does not admit or a certificate whose DER cannot be read.
     */
    public static Optional<byte[]> associationData(X509Certificate certificate, int selector, int matchingType) {
        Optional<byte[]> selected = selectedData(certificate, selector);
        return switch (matchingType) {
            case 0 -> selected;
            case 1 -> selected.map(d -> digest("SHA-256", d));
            case 2 -> selected.map(d -> digest("SHA-512", d));
            default -> Optional.empty();
        };
    }

    /** Lower-case hex of the first {@code octets} octets of an association value, for log lines. */
    static String shortHex(byte[] data, int octets) {
        String hex = HexFormat.of().formatHex(data, 0, Math.min(octets, data.length));
        return data.length > octets ? hex + "…" : hex;
    }

    private static Optional<byte[]> selectedData(X509Certificate certificate, int selector) {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            return Optional.empty();
        }
        return switch (selector) {
            case 0 -> Optional.of(der);
            case 1 -> Der.subjectPublicKeyInfo(der);
            default -> Optional.empty();
        };
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
        }
    }

    /**
     * The public key of a DER SubjectPublicKeyInfo, for {@code 2 1 0} trust anchors and for DANE-06's
     * well-formedness check; empty when the data is not one DER SEQUENCE or no JDK key factory reads it.
     */
    static Optional<PublicKey> publicKey(byte[] spki) {
        if (!Der.isSingleSequence(spki)) {
            return Optional.empty();
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki)));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm; try the next
            }
        }
        return Optional.empty();
    }

    /**
     * The certificate in full {@code x 0 0} data, for trust anchors the peer did not send and for DANE-06's
     * check; empty unless the data is exactly one DER certificate (PEM text or trailing octets are refused,
     * though the JDK's factory would accept them).
     */
    static Optional<X509Certificate> certificate(byte[] der) {
        if (!Der.isSingleSequence(der)) {
            return Optional.empty();
        }
        try {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)));
        } catch (CertificateException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
