package dev.rampart.policy.dns.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A zone for {@link FakeDnsServer#serve}: records keyed by owner and type, signed in process with a fresh
 * ECDSA P-256 key (algorithm 13) and an NSEC chain, or left unsigned. Faults for DNSSEC tests: an RRset
 * can get an expired signature or a signature that does not verify. The zone's DNSKEY (or DS) is the trust
 * anchor tests give the validator. Immutable once built.
 */
public final class SignedZone {

    private final Name origin;
    private final Map<Name, Map<Integer, RRset>> nodes;
    private final DNSKEYRecord key;

    private SignedZone(Name origin, Map<Name, Map<Integer, RRset>> nodes, DNSKEYRecord key) {
        this.origin = origin;
        this.nodes = nodes;
        this.key = key;
    }

    public static Builder builder(String origin) {
        return new Builder(name(origin));
    }

    public Name origin() {
        return origin;
    }

    /** The zone's key (null for an unsigned zone). */
    public DNSKEYRecord dnskey() {
        return key;
    }

    /** Zone-file text of the DNSKEY, usable as a trust anchor. */
    public String dnskeyAnchor() {
        return key.toString() + "\n";
    }

    /** Zone-file text of a SHA-256 DS for the key, usable as a trust anchor or in a parent zone. */
    public String dsAnchor() {
        return new DSRecord(origin, DClass.IN, 300, DNSSEC.Digest.SHA256, key).toString() + "\n";
    }

    Map<Name, Map<Integer, RRset>> nodes() {
        return nodes;
    }

    /** How to build: add records, mark faults, then {@link #sign()} or {@link #unsigned()}. */
    public static final class Builder {
        private final Name origin;
        private final List<Record> records = new ArrayList<>();
        private final Set<String> expired = new HashSet<>();
        private final Set<String> corrupt = new HashSet<>();
        private final Set<Name> unsignedDelegations = new HashSet<>();
        private Instant now = Instant.now();

        private Builder(Name origin) {
            this.origin = origin;
            add(origin + " 300 IN SOA ns." + origin + " hostmaster." + origin + " 1 3600 600 86400 300",
                    origin + " 300 IN NS ns." + origin);
        }

        /** Records in zone-file syntax, names absolute. */
        public Builder add(String... lines) {
            String text = String.join("\n", lines) + "\n";
            try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, 300)) {
                Record r;
                while ((r = master.nextRecord()) != null) {
                    records.add(r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** A child zone with no DS: the NSEC at the cut proves it unsigned (RFC 4035 §5.2). */
        public Builder delegateUnsigned(String child) {
            unsignedDelegations.add(name(child));
            return add(name(child) + " 300 IN NS ns." + name(child));
        }

        /** Signature validity is centred on this instant (default: now). */
        public Builder at(Instant instant) {
            this.now = instant;
            return this;
        }

        /** This RRset's signature expired an hour before {@link #at}. */
        public Builder expiredSignature(String owner, String type) {
            expired.add(key(name(owner), Type.value(type)));
            return this;
        }

        /** This RRset's signature has a flipped bit, so it does not verify. */
        public Builder wrongSignature(String owner, String type) {
            corrupt.add(key(name(owner), Type.value(type)));
            return this;
        }

        public SignedZone unsigned() {
            return new SignedZone(origin, group(records), null);
        }

        public SignedZone sign() {
            KeyPair pair;
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                pair = g.generateKeyPair();
                DNSKEYRecord dnskey = new DNSKEYRecord(origin, DClass.IN, 300, 257, DNSKEYRecord.Protocol.DNSSEC,
                        DNSSEC.Algorithm.ECDSAP256SHA256, pair.getPublic());
                List<Record> all = new ArrayList<>(records);
                all.add(dnskey);
                all.addAll(nsecChain(all));
                Map<Name, Map<Integer, RRset>> nodes = group(all);
                for (Map<Integer, RRset> node : nodes.values()) {
                    for (RRset rrset : node.values()) {
                        if (!signed(rrset)) {
                            continue;
                        }
                        String k = key(rrset.getName(), rrset.getType());
                        Instant inception = expired.contains(k) ? now.minus(Duration.ofDays(2)) : now.minus(Duration.ofHours(1));
                        Instant expiration = expired.contains(k) ? now.minus(Duration.ofHours(1)) : now.plus(Duration.ofDays(7));
                        RRSIGRecord sig = DNSSEC.sign(rrset, dnskey, pair.getPrivate(), inception, expiration);
                        if (corrupt.contains(k)) {
                            byte[] bytes = sig.getSignature();
                            bytes[bytes.length / 2] ^= 0x01;
                            sig = new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(),
                                    sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(),
                                    sig.getFootprint(), sig.getSigner(), bytes);
                        }
                        rrset.addRR(sig);
                    }
                }
                return new SignedZone(origin, nodes, dnskey);
            } catch (GeneralSecurityException | org.xbill.DNS.DNSSEC.DNSSECException e) {
                throw new IllegalStateException("signing " + origin + " failed", e);
            }
        }

        /** Authoritative data is signed; NS and glue at a cut are not (RFC 4035 §2.2). */
        private boolean signed(RRset rrset) {
            Name owner = rrset.getName();
            boolean belowCut = unsignedDelegations.stream().anyMatch(owner::subdomain);
            return !belowCut || (unsignedDelegations.contains(owner) && rrset.getType() == Type.NSEC);
        }

        private List<Record> nsecChain(List<Record> all) {
            TreeMap<Name, Set<Integer>> types = new TreeMap<>();
            for (Record r : all) {
                boolean glue = unsignedDelegations.stream().anyMatch(cut -> r.getName().subdomain(cut) && !r.getName().equals(cut));
                if (!glue) {
                    types.computeIfAbsent(r.getName(), n -> new TreeSet<>()).add(r.getType());
                }
            }
            List<Name> owners = new ArrayList<>(types.keySet());
            List<Record> out = new ArrayList<>();
            for (int i = 0; i < owners.size(); i++) {
                Name owner = owners.get(i);
                Set<Integer> t = new TreeSet<>(types.get(owner));
                t.add(Type.NSEC);
                if (!unsignedDelegations.contains(owner)) {
                    t.add(Type.RRSIG);
                }
                Name next = owners.get((i + 1) % owners.size());
                out.add(new NSECRecord(owner, DClass.IN, 300, next, t.stream().mapToInt(Integer::intValue).toArray()));
            }
            return out;
        }
    }

    private static Map<Name, Map<Integer, RRset>> group(List<Record> records) {
        Map<Name, Map<Integer, RRset>> nodes = new TreeMap<>();
        for (Record r : records) {
            nodes.computeIfAbsent(r.getName(), n -> new HashMap<>())
                    .computeIfAbsent(r.getType(), t -> new RRset())
                    .addRR(r);
        }
        return nodes;
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase() + "/" + type;
    }

    static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
