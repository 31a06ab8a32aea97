package dev.rampart.policy.dane;

import java.util.Optional;

/**
 * Decides whether one TLSA record can be used for SMTP (DANE-06; RFC 7672 §3.1.3, RFC 7671 §4): usage
 * DANE-TA(2) or DANE-EE(3), selector 0 or 1, matching type 0, 1 or 2, and data of the right shape
 * (32 or 64 octets for the digests, exactly one DER certificate or SubjectPublicKeyInfo for full data). Whether
 * the RRset itself was secure is the caller's concern. Pure and thread-safe.
 */
public final class TlsaUsability {
    private TlsaUsability() {}

    /** Empty when usable; otherwise why not, in words fit for a log line and for explain output. */
    public static Optional<String> unusableReason(TlsaRecord r) {
        switch (r.usage()) {
            case 2, 3 -> { }
            case 0 -> { return Optional.of("usage 0 (PKIX-TA) is not used for SMTP (RFC 7672 §3.1.3)"); }
            case 1 -> { return Optional.of("usage 1 (PKIX-EE) is not used for SMTP (RFC 7672 §3.1.3)"); }
            default -> { return Optional.of("unknown certificate usage " + r.usage()); }
        }
        if (r.selector() != 0 && r.selector() != 1) {
            return Optional.of("unknown selector " + r.selector());
        }
        byte[] data = r.data();
        return switch (r.matchingType()) {
            case 1 -> data.length == 32 ? Optional.empty()
                    : Optional.of("SHA2-256 data is " + data.length + " octets, not 32");
            case 2 -> data.length == 64 ? Optional.empty()
                    : Optional.of("SHA2-512 data is " + data.length + " octets, not 64");
            case 0 -> fullDataProblem(r.selector(), data);
            default -> Optional.of("unknown matching type " + r.matchingType());
        };
    }

    public static boolean usable(TlsaRecord r) {
        return unusableReason(r).isEmpty();
    }

    private static Optional<String> fullDataProblem(int selector, byte[] data) {
        if (data.length == 0) {
            return Optional.of("empty association data");
        }
        if (selector == 0) {
            return TlsaMatcher.certificate(data).isPresent() ? Optional.empty()
                    : Optional.of("full certificate data is not one DER X.509 certificate");
        }
        return TlsaMatcher.publicKey(data).isPresent() ? Optional.empty()
                : Optional.of("full SubjectPublicKeyInfo data is not one DER public key");
    }
}
