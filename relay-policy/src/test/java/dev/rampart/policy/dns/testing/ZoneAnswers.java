package dev.rampart.policy.dns.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers a question from a set of {@link SignedZone}s the way a recursive resolver that passes DNSSEC
 * records through would: data with its RRSIGs, CNAMEs followed through the served zones, NODATA and NXDOMAIN with
 * the signed SOA and the zone's NSEC records as proof, and DS questions for a zone apex answered from the
 * parent. Stateless; thread-safe as long as the zones are not changed.
 */
final class ZoneAnswers {
    private ZoneAnswers() {}

    /** The zone that answers (name, type): the closest enclosing origin; for DS, the parent of an apex. */
    static Optional<SignedZone> zoneFor(List<SignedZone> zones, Name qname, int qtype) {
        SignedZone best = null;
        for (SignedZone z : zones) {
            boolean encloses = qname.subdomain(z.origin()) && !(qtype == Type.DS && qname.equals(z.origin()));
            if (encloses && (best == null || z.origin().labels() > best.origin().labels())) {
                best = z;
            }
        }
        return Optional.ofNullable(best);
    }

    static void answer(Message response, List<SignedZone> zones, SignedZone first, Name qname, int qtype) {
        SignedZone zone = first;
        Name current = qname;
        for (int hop = 0; hop < 16; hop++) {
            Map<Integer, RRset> node = zone.nodes().get(current);
            if (node == null) {
                response.getHeader().setRcode(Rcode.NXDOMAIN); // RFC 6604 §3: about the last name of the chain
                denial(response, zone);
                return;
            }
            RRset data = node.get(qtype);
            if (data != null) {
                add(response, data, Section.ANSWER);
                return;
            }
            RRset alias = qtype == Type.CNAME ? null : node.get(Type.CNAME);
            if (alias == null) {
                denial(response, zone);
                return;
            }
            add(response, alias, Section.ANSWER);
            current = ((CNAMERecord) alias.first()).getTarget();
            Optional<SignedZone> next = zoneFor(zones, current, qtype);
            if (next.isEmpty()) {
                return; // the target is elsewhere: the client asks again
            }
            zone = next.get();
        }
    }

    private static void denial(Message response, SignedZone zone) {
        add(response, zone.nodes().get(zone.origin()).get(Type.SOA), Section.AUTHORITY);
        for (Map<Integer, RRset> node : zone.nodes().values()) {
            RRset nsec = node.get(Type.NSEC);
            if (nsec != null) {
                add(response, nsec, Section.AUTHORITY);
            }
        }
    }

    private static void add(Message response, RRset rrset, int section) {
        for (Record r : rrset.rrs()) {
            response.addRecord(r, section);
        }
        for (Record r : rrset.sigs()) {
            response.addRecord(r, section);
        }
    }
}
