package dev.rampart.policy.dane;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * Checks a presented certificate chain against a secure TLSA RRset for SMTP (RFC 7672 §3.1; RFC 7671 §5).
 *
 * <ul>
 * <li>DANE-EE(3) compares only the leaf; no name, date or chain checks (DANE-10).</li>
 * <li>DANE-TA(2): a presented certificate other than the leaf matches the record, or, for full-data
 *     {@code 2 0 0} / {@code 2 1 0} records, the published certificate or key itself is the anchor even when
 *     the peer does not send it (DANE-11). The leaf must chain to that anchor under the JDK's PKIX
 *     validator (signatures, validity at {@code now}, CA flags and path lengths of the certificates below
 *     the anchor, no revocation, no other trust), and carry a reference identifier (DANE-14/15). A
 *     certificate anchor ({@code 2 0 x}) must itself be a CA, valid at {@code now}, and its path length
 *     constraint counts; a key anchor ({@code 2 1 x}) publishes only the key, so the certificate around it
 *     adds no constraints and no dates.</li>
 * <li>Only the records {@link TlsaMatcher#effectiveRecords} keeps take part (DANE-06, DANE-12).</li>
 * </ul>
 *
 * <p>Any match authenticates. When none does, the failure reported is the one that got furthest (a good
 * chain with the wrong name beats an expired chain, which beats a chain that reaches no anchor, which
 * beats no record matching at all), so the log shows what an operator should fix. Immutable and
 * thread-safe; never throws on hostile certificates.
 */
public final class DaneVerifier {
    /** Longer presented chains are refused outright; real ones have 2 to 4 certificates. */
    static final int MAX_CHAIN = 16;

    private final List<TlsaRecord> effective;
    private final List<String> referenceIds;

    /**
     * @param records      the TLSA RRset as published (unusable records are ignored here, DANE-06)
     * @param referenceIds names a DANE-TA leaf must present (DANE-14), e.g. the TLSA base domain first
     */
    public DaneVerifier(Collection<TlsaRecord> records, Collection<String> referenceIds) {
        this.effective = TlsaMatcher.effectiveRecords(List.copyOf(records));
        this.referenceIds = List.copyOf(referenceIds);
    }

    /** The records that take part in matching, after usability and digest agility. */
    public List<TlsaRecord> effectiveRecords() {
        return effective;
    }

    public List<String> referenceIds() {
        return referenceIds;
    }

    /** Same as {@link #verify(List, Instant)} for the array JSSE hands to a trust manager. */
    public DaneVerdict verify(X509Certificate[] chain, Instant now) {
        return verify(Arrays.asList(chain), now);
    }

    /**
     * @param chain the certificates the peer presented, leaf first
     * @param now   the instant DANE-TA validity is judged at
     */
    public DaneVerdict verify(List<X509Certificate> chain, Instant now) {
        Objects.requireNonNull(now, "now");
        if (chain.isEmpty()) {
            return new DaneVerdict.Failed("peer presented no certificate", RptFailure.CERTIFICATE_NOT_TRUSTED);
        }
        if (chain.size() > MAX_CHAIN) {
            return new DaneVerdict.Failed("peer presented " + chain.size() + " certificates, more than "
                    + MAX_CHAIN, RptFailure.CERTIFICATE_NOT_TRUSTED);
        }
        if (effective.isEmpty()) {
            return new DaneVerdict.Failed("no usable TLSA record", RptFailure.TLSA_INVALID);
        }
        X509Certificate leaf = chain.get(0);
        for (TlsaRecord r : effective) {
            if (r.usage() == 3 && TlsaMatcher.matches(r, leaf)) {
                return new DaneVerdict.Matched(DaneMode.EE, r, Optional.empty());
            }
        }
        Optional<DaneVerdict.Failed> closest = Optional.empty();
        for (TlsaRecord r : effective) {
            if (r.usage() != 2) {
                continue;
            }
            for (Anchor anchor : anchors(r, chain)) {
                DaneVerdict v = checkTrustAnchor(r, anchor, chain, now);
                switch (v) {
                    case DaneVerdict.Matched m -> { return m; }
                    case DaneVerdict.Failed f -> closest = Optional.of(closer(closest, f));
                }
            }
        }
        return closest.orElseGet(() -> noRecordMatched(leaf));
    }

    /**
     * A trust anchor candidate: its key, the issuer name certificates below it carry (unknown for a
     * published bare key), the certificate when there is one, and whether its CA constraints apply.
     */
    private record Anchor(PublicKey key, Optional<X500Principal> name, Optional<X509Certificate> certificate,
                          boolean certificateConstraints) {}

    private static List<Anchor> anchors(TlsaRecord r, List<X509Certificate> chain) {
        List<Anchor> anchors = new ArrayList<>();
        // The leaf is never its own anchor: a TA record matching only the leaf authenticates nothing.
        for (X509Certificate c : chain.subList(1, chain.size())) {
            if (TlsaMatcher.matches(r, c)) {
                anchors.add(new Anchor(c.getPublicKey(), Optional.of(c.getSubjectX500Principal()), Optional.of(c),
                        r.selector() == 0));
            }
        }
        if (anchors.isEmpty() && r.matchingType() == 0) {
            if (r.selector() == 0) {
                TlsaMatcher.certificate(r.data()).ifPresent(c -> anchors.add(
                        new Anchor(c.getPublicKey(), Optional.of(c.getSubjectX500Principal()), Optional.of(c), true)));
            } else {
                TlsaMatcher.publicKey(r.data()).ifPresent(k -> anchors.add(
                        new Anchor(k, Optional.empty(), Optional.empty(), false)));
            }
        }
        return anchors;
    }

    private DaneVerdict checkTrustAnchor(TlsaRecord r, Anchor anchor, List<X509Certificate> chain, Instant now) {
        Optional<List<X509Certificate>> path = pathToAnchor(anchor, chain);
        if (path.isEmpty()) {
            return new DaneVerdict.Failed("DANE-TA chain does not reach a TLSA-matched anchor ("
                    + r.usage() + " " + r.selector() + " " + r.matchingType() + " "
                    + TlsaMatcher.shortHex(r.data(), 8) + " matched " + describe(anchor) + ")",
                    RptFailure.CERTIFICATE_NOT_TRUSTED);
        }
        List<X509Certificate> below = path.get();
        if (anchor.certificateConstraints()) {
            X509Certificate ta = anchor.certificate().orElseThrow();
            int pathLen = ta.getBasicConstraints();
            if (pathLen < 0) {
                return new DaneVerdict.Failed("DANE-TA anchor " + subject(ta) + " is not a CA certificate",
                        RptFailure.CERTIFICATE_NOT_TRUSTED);
            }
            if (now.isBefore(ta.getNotBefore().toInstant())) {
                return new DaneVerdict.Failed("DANE-TA chain not yet valid at " + subject(ta),
                        RptFailure.CERTIFICATE_EXPIRED);
            }
            if (now.isAfter(ta.getNotAfter().toInstant())) {
                return new DaneVerdict.Failed("DANE-TA chain expired at " + subject(ta),
                        RptFailure.CERTIFICATE_EXPIRED);
            }
            long intermediates = below.subList(1, below.size()).stream()
                    .filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).count();
            if (intermediates > pathLen) {
                return new DaneVerdict.Failed("DANE-TA anchor " + subject(ta) + " allows " + pathLen
                        + " intermediate CA certificate(s), chain has " + intermediates,
                        RptFailure.CERTIFICATE_NOT_TRUSTED);
            }
        }
        Optional<DaneVerdict.Failed> invalid = validate(below, anchor, now);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        X509Certificate leaf = chain.get(0);
        if (DaneNames.match(leaf, referenceIds).isEmpty()) {
            return new DaneVerdict.Failed("DANE-TA name check failed: certificate names "
                    + DaneNames.presentedNames(leaf) + " do not match " + referenceIds,
                    RptFailure.CERTIFICATE_HOST_MISMATCH);
        }
        return new DaneVerdict.Matched(DaneMode.TA, r, anchor.certificate());
    }

    /**
     * The certificates from the leaf up to the one the anchor issued, following issuer names through the
     * presented set in any order (TLS 1.3 allows disorder, RFC 8446 §4.4.2). Empty when the walk ends
     * without reaching the anchor.
     */
    private static Optional<List<X509Certificate>> pathToAnchor(Anchor anchor, List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = chain.get(0);
        path.add(current);
        while (path.size() <= MAX_CHAIN) {
            if (issuedBy(current, anchor)) {
                return Optional.of(List.copyOf(path));
            }
            X500Principal issuer = current.getIssuerX500Principal();
            if (issuer.equals(current.getSubjectX500Principal())) {
                return Optional.empty(); // self-issued top that is not the anchor
            }
            X509Certificate signer = current;
            List<X509Certificate> candidates = chain.stream()
                    .filter(c -> c.getSubjectX500Principal().equals(issuer))
                    .filter(c -> !path.contains(c) && !anchor.certificate().map(c::equals).orElse(false))
                    .toList();
            if (candidates.isEmpty()) {
                return Optional.empty();
            }
            // Prefer the candidate whose key verifies the signature (cross-signed CAs share names).
            current = candidates.stream().filter(c -> verifies(signer, c.getPublicKey())).findFirst()
                    .orElse(candidates.get(0));
            path.add(current);
        }
        return Optional.empty();
    }

    private static boolean issuedBy(X509Certificate c, Anchor anchor) {
        return anchor.name()
                .map(name -> name.equals(c.getIssuerX500Principal()))
                // a published bare key has no name; its signature is the only link
                .orElseGet(() -> verifies(c, anchor.key()));
    }

    private static boolean verifies(X509Certificate c, PublicKey key) {
        try {
            c.verify(key);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Optional<DaneVerdict.Failed> validate(List<X509Certificate> path, Anchor anchor, Instant now) {
        X509Certificate top = path.get(path.size() - 1);
        TrustAnchor trustAnchor = new TrustAnchor(
                anchor.name().orElse(top.getIssuerX500Principal()), anchor.key(), null);
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(trustAnchor));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return Optional.empty();
        } catch (CertPathValidatorException e) {
            return Optional.of(pathFailure(e, path));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.of(new DaneVerdict.Failed("DANE-TA chain validation failed: " + e.getMessage(),
                    RptFailure.CERTIFICATE_NOT_TRUSTED));
        }
    }

    private static DaneVerdict.Failed pathFailure(CertPathValidatorException e, List<X509Certificate> path) {
        int index = e.getIndex();
        String where = index >= 0 && index < path.size() ? " at " + subject(path.get(index)) : "";
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return new DaneVerdict.Failed("DANE-TA chain expired" + where, RptFailure.CERTIFICATE_EXPIRED);
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return new DaneVerdict.Failed("DANE-TA chain not yet valid" + where, RptFailure.CERTIFICATE_EXPIRED);
        }
        String why = e.getReason() == PKIXReason.NOT_CA_CERT ? "not a CA certificate"
                : e.getReason() == PKIXReason.PATH_TOO_LONG ? "path length constraint exceeded"
                : e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE ? "invalid signature"
                : String.valueOf(e.getMessage());
        return new DaneVerdict.Failed("DANE-TA chain invalid" + where + ": " + why,
                RptFailure.CERTIFICATE_NOT_TRUSTED);
    }

    /** The failure that got further along the checks; the earlier one on a tie. */
    private static DaneVerdict.Failed closer(Optional<DaneVerdict.Failed> best, DaneVerdict.Failed candidate) {
        return best.filter(b -> progress(b.kind()) >= progress(candidate.kind())).orElse(candidate);
    }

    private static int progress(RptFailure kind) {
        return switch (kind) {
            case TLSA_INVALID -> 0;
            case CERTIFICATE_NOT_TRUSTED -> 1;
            case CERTIFICATE_EXPIRED -> 2;
            case CERTIFICATE_HOST_MISMATCH -> 3;
        };
    }

    private DaneVerdict.Failed noRecordMatched(X509Certificate leaf) {
        String spki = TlsaMatcher.associationData(leaf, 1, 1).map(d -> TlsaMatcher.shortHex(d, 8))
                .orElse("unreadable");
        String tried = effective.stream().map(r -> r.usage() + " " + r.selector() + " " + r.matchingType())
                .collect(Collectors.joining(", "));
        return new DaneVerdict.Failed("no TLSA record matched: leaf SPKI sha256 " + spki + " (tried " + tried + ")",
                RptFailure.TLSA_INVALID);
    }

    private static String describe(Anchor anchor) {
        return anchor.certificate().map(DaneVerifier::subject).orElse("a published key");
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}
