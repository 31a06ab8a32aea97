package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which names to ask for TLSA, and which answer decides (RFC 7672 §2.2.2, §2.2.3; DANE-01, DANE-03,
 * DANE-04). Two pure steps: {@link #candidates} lists the TLSA base domain candidates in order of
 * preference; the caller asks {@code _<port>._tcp.<candidate>} for each (concurrently is fine, there are
 * at most two) and hands the answers to {@link #choose}. Thread-safe.
 */
public final class TlsaBase {
    /** The SMTP port whose TLSA records apply to MX delivery (RFC 7672 §2.2.3). */
    public static final int SMTP_PORT = 25;

    private TlsaBase() {}

    /**
     * DANE-03 candidate table; empty when DANE-01 forbids a TLSA lookup (insecure MX RRset, insecure
     * alias, or an insecure address with no secure alias to fall back on):
     * <ul>
     *   <li>not an alias, address secure: [host];</li>
     *   <li>alias, CNAME links and final address secure: [expanded, original];</li>
     *   <li>alias, CNAME links secure, final address insecure: [original];</li>
     * </ul>
     * Intermediate names of a longer CNAME chain never count.
     */
    public static List<String> candidates(DomainFacts domain, HostAddressFacts host) {
        if (!domain.mxSecure()) {
            return List.of();
        }
        boolean addressSecure = host.addressStatus() == DnssecStatus.SECURE;
        if (!host.isAlias()) {
            return addressSecure ? List.of(host.hostName()) : List.of();
        }
        if (host.aliasStatus() != DnssecStatus.SECURE) {
            return List.of();
        }
        return addressSecure ? List.of(host.expandedName(), host.hostName()) : List.of(host.hostName());
    }

    /** The owner name of the TLSA RRset for a base domain, e.g. {@code _25._tcp.mx.example.com}. */
    public static String queryName(String baseDomain, int port) {
        return "_" + port + "._tcp." + baseDomain;
    }

    /** {@link #candidates} turned into the TLSA owner names to ask, in the same order. */
    public static List<String> queryNames(DomainFacts domain, HostAddressFacts host, int port) {
        return candidates(domain, host).stream().map(b -> queryName(b, port)).toList();
    }

    /**
     * Picks the deciding TLSA answer. {@code answersByBase} maps each candidate base domain (not the
     * {@code _25._tcp} name) to its answer; a candidate without an entry counts as a failed lookup, so a
     * forgotten question can never look like "no TLSA". Rules, in candidate order:
     * a lookup error or bogus/indeterminate data decides at once (DANE-05: never skipped over);
     * a secure non-empty RRset decides and its candidate is the base (DANE-03), whatever name the TLSA
     * lookup itself was redirected to by a CNAME (DANE-04); anything else (secure or insecure
     * NXDOMAIN/NODATA, insecure records) moves on to the next candidate. When no candidate has secure
     * TLSA, the first candidate's answer is returned: DANE does not apply (DANE-09).
     */
    public static TlsaFacts choose(DomainFacts domain, HostAddressFacts host,
                                   Map<String, DnsResult<TlsaRecord>> answersByBase) {
        List<String> bases = candidates(domain, host);
        if (bases.isEmpty()) {
            return new TlsaFacts.NotQueried(whyNotQueried(domain, host));
        }
        List<TlsaFacts.Answer> inconclusive = new ArrayList<>();
        for (String base : bases) {
            DnsResult<TlsaRecord> answer = answersByBase.getOrDefault(base,
                    new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL, "no answer for " + queryName(base, SMTP_PORT)));
            TlsaFacts.Answer facts = new TlsaFacts.Answer(base, answer);
            switch (TlsaAnswers.classify(answer)) {
                case SECURE_RECORDS, FAILED, BOGUS -> {
                    return facts;
                }
                case NO_SECURE_TLSA -> inconclusive.add(facts);
            }
        }
        return inconclusive.getFirst();
    }

    /** The DANE-01 reason no TLSA question is asked, in words for logs and explain output. */
    static String whyNotQueried(DomainFacts domain, HostAddressFacts host) {
        if (!domain.mxSecure()) {
            return "MX RRset of " + domain.nextHop() + " is " + lower(domain.mxStatus())
                    + ", so TLSA is not looked up (DANE-01, DANE-02)";
        }
        if (host.isAlias() && host.aliasStatus() != DnssecStatus.SECURE) {
            return "CNAME from " + host.hostName() + " to " + host.expandedName() + " is "
                    + lower(host.aliasStatus()) + ", so TLSA is not looked up (DANE-01)";
        }
        return "address records of " + host.expandedName() + " are " + lower(host.addressStatus())
                + ", so TLSA is not looked up (DANE-01, DNS-05)";
    }

    private static String lower(DnssecStatus s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
