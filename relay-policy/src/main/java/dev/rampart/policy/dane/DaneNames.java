package dev.rampart.policy.dane;

import dev.rampart.policy.dns.DomainNames;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The DANE-TA name check (DANE-15; RFC 7672 §3.2.3): the names a certificate presents are its SAN
 * dNSNames when it has any, otherwise the most specific subject CN; a presented name matches a reference
 * identifier case-insensitively, in A-label form, trailing dot ignored; a wildcard is allowed only as the
 * whole leftmost label and stands for exactly one label ({@code *.example.com} covers
 * {@code mx.example.com}, not {@code a.b.example.com} nor {@code example.com}); partial-label wildcards
 * such as {@code smtp*.example.com} match nothing. Pure and thread-safe.
 */
public final class DaneNames {
    private static final int DNS_NAME = 2;

    private DaneNames() {}

    /** SAN dNSNames if the certificate has at least one, otherwise its most specific CN (if any). */
    public static List<String> presentedNames(X509Certificate certificate) {
        List<String> dnsNames = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of(); // an unreadable SAN extension must not fall back to the CN
        }
        if (sans != null) {
            for (List<?> entry : sans) {
                if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == DNS_NAME
                        && entry.get(1) instanceof String name) {
                    dnsNames.add(name);
                }
            }
        }
        if (!dnsNames.isEmpty()) {
            return List.copyOf(dnsNames);
        }
        return mostSpecificCommonName(certificate.getSubjectX500Principal()).map(List::of).orElse(List.of());
    }

    /** The presented name that matches one of the reference identifiers, if any. */
    public static Optional<String> match(X509Certificate certificate, Collection<String> referenceIds) {
        for (String presented : presentedNames(certificate)) {
            for (String reference : referenceIds) {
                if (matches(presented, reference)) {
                    return Optional.of(presented);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether one presented name (possibly a wildcard) covers one reference identifier. */
    public static boolean matches(String presented, String referenceId) {
        Optional<String> reference = DomainNames.normalize(referenceId);
        if (reference.isEmpty()) {
            return false;
        }
        if (presented.startsWith("*.")) {
            Optional<String> parent = DomainNames.normalize(presented.substring(2));
            // "*.com" would cover a whole top-level domain; a wildcard needs at least two labels under it
            if (parent.isEmpty() || parent.get().indexOf('.') < 0) {
                return false;
            }
            String ref = reference.get();
            int dot = ref.indexOf('.');
            return dot > 0 && ref.substring(dot + 1).equals(parent.get());
        }
        if (presented.indexOf('*') >= 0) {
            return false;
        }
        return DomainNames.normalize(presented).equals(reference);
    }

    private static Optional<String> mostSpecificCommonName(X500Principal subject) {
        LdapName name;
        try {
            name = new LdapName(subject.getName(X500Principal.RFC2253));
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        // LdapName lists RDNs from the most significant (country) to the most specific (last).
        Optional<String> cn = Optional.empty();
        for (Rdn rdn : name.getRdns()) {
            if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String value) {
                cn = Optional.of(value);
            }
        }
        return cn;
    }
}
