package dev.rampart.policy.decide;

import dev.rampart.policy.dane.TlsaRecord;
import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Facts for the decision tests: readable builders, no logic of their own. */
final class DecideFixtures {
    static final String NEXT_HOP = "example.com";

    private DecideFixtures() {}

    /** A usable DANE-EE SPKI SHA2-256 record (3 1 1). */
    static TlsaRecord daneEe(int fill) {
        byte[] data = new byte[32];
        Arrays.fill(data, (byte) fill);
        return new TlsaRecord(3, 1, 1, data);
    }

    /** A usable DANE-TA full-cert SHA2-512 record (2 0 2). */
    static TlsaRecord daneTa(int fill) {
        byte[] data = new byte[64];
        Arrays.fill(data, (byte) fill);
        return new TlsaRecord(2, 0, 2, data);
    }

    /** Unusable for SMTP: PKIX-EE (usage 1, DANE-06). */
    static TlsaRecord pkixEe(int fill) {
        byte[] data = new byte[32];
        Arrays.fill(data, (byte) fill);
        return new TlsaRecord(1, 1, 1, data);
    }

    /** Unusable: SHA2-256 data of the wrong length (DANE-06). */
    static TlsaRecord shortDigest() {
        return new TlsaRecord(3, 1, 1, new byte[] {1, 2, 3});
    }

    static DnsResult<TlsaRecord> tlsa(DnssecStatus status, TlsaRecord... records) {
        return new DnsResult.Records<>(List.of(records), status, "_25._tcp.mx.example.com", Duration.ofMinutes(5));
    }

    static DnsResult<TlsaRecord> tlsaAt(String canonicalName, TlsaRecord... records) {
        return new DnsResult.Records<>(List.of(records), DnssecStatus.SECURE, canonicalName, Duration.ofMinutes(5));
    }

    static DnsResult<TlsaRecord> noData(DnssecStatus status) {
        return new DnsResult.NoData<>(status, "_25._tcp.mx.example.com");
    }

    static DnsResult<TlsaRecord> nxDomain(DnssecStatus status) {
        return new DnsResult.NxDomain<>(status, "_25._tcp.mx.example.com");
    }

    static DnsResult<TlsaRecord> failure(DnsResult.FailureKind kind, String reason) {
        return new DnsResult.Failure<>(kind, reason);
    }

    static DomainFacts domain(ManualPolicy manual, DnssecStatus mx) {
        return new DomainFacts(NEXT_HOP, NEXT_HOP, manual, mx, false, StsFacts.ABSENT);
    }

    static HostFacts host(DomainFacts domain, String name, DnssecStatus address, TlsaFacts tlsa) {
        return new HostFacts(domain, HostAddressFacts.direct(name, address), tlsa);
    }

    /** A host under a secure MX whose TLSA answer for base {@code name} is {@code answer}. */
    static HostFacts secureHost(ManualPolicy manual, String name, DnsResult<TlsaRecord> answer) {
        return host(domain(manual, DnssecStatus.SECURE), name, DnssecStatus.SECURE, new TlsaFacts.Answer(name, answer));
    }
}
