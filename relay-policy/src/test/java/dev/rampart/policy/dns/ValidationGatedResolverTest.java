package dev.rampart.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dane.TlsaRecord;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** DNS-01/DNS-02: while validation is known broken, nothing unvalidated is taken for "insecure". */
class ValidationGatedResolverTest {

    private static final DnssecSelfCheck.Health OK =
            new DnssecSelfCheck.Health(DnssecSelfCheck.State.OK, "signed name validated", Instant.EPOCH);
    private static final DnssecSelfCheck.Health FAILED =
            new DnssecSelfCheck.Health(DnssecSelfCheck.State.FAILED, "signed name example was INSECURE", Instant.EPOCH);
    private static final DnssecSelfCheck.Health PENDING =
            new DnssecSelfCheck.Health(DnssecSelfCheck.State.PENDING, "not checked yet", Instant.EPOCH);
    private static final DnssecSelfCheck.Health OFF =
            new DnssecSelfCheck.Health(DnssecSelfCheck.State.OFF, "DNSSEC validation is off", Instant.EPOCH);

    /** Answers every question with the result it was given. */
    private record Fixed(DnsResult<MxRecord> mx, DnsResult<TlsaRecord> tlsa) implements DnsResolver {
        @Override
        public CompletableFuture<DnsResult<MxRecord>> mx(String domain) {
            return CompletableFuture.completedFuture(mx);
        }

        @Override
        public CompletableFuture<DnsResult<InetAddress>> addresses(String host) {
            return CompletableFuture.completedFuture(new DnsResult.NoData<>(DnssecStatus.INSECURE, host));
        }

        @Override
        public CompletableFuture<DnsResult<String>> txt(String name) {
            return CompletableFuture.completedFuture(new DnsResult.NxDomain<>(DnssecStatus.INSECURE, name));
        }

        @Override
        public CompletableFuture<DnsResult<TlsaRecord>> tlsa(String name) {
            return CompletableFuture.completedFuture(tlsa);
        }
    }

    private static final DnsResult<MxRecord> INSECURE_MX = new DnsResult.Records<>(
            List.of(new MxRecord(10, "mx.example")), DnssecStatus.INSECURE, "example", Duration.ofMinutes(5));
    private static final DnsResult<MxRecord> SECURE_MX = new DnsResult.Records<>(
            List.of(new MxRecord(10, "mx.example")), DnssecStatus.SECURE, "example", Duration.ofMinutes(5));
    private static final DnsResult<TlsaRecord> SECURE_NODATA = new DnsResult.NoData<>(DnssecStatus.SECURE, "_25._tcp.mx.example");

    @Test
    void dns02_aFailingSelfCheckTurnsEveryUnvalidatedAnswerIntoABogusFailureWithTheReason() throws Exception {
        ValidationGatedResolver gated = new ValidationGatedResolver(new Fixed(INSECURE_MX, SECURE_NODATA), () -> FAILED);

        DnsResult<MxRecord> mx = gated.mx("example").get();
        assertThat(mx).isInstanceOfSatisfying(DnsResult.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(DnsResult.FailureKind.BOGUS);
            assertThat(f.reason()).contains("DNSSEC validation is not working").contains("signed name example was INSECURE");
        });
        assertThat(gated.addresses("mx.example").get()).isInstanceOf(DnsResult.Failure.class);
        assertThat(gated.txt("_mta-sts.example").get()).isInstanceOf(DnsResult.Failure.class);
    }

    @Test
    void aCheckThatHasNotRunYetAlsoFailsClosed() throws Exception {
        ValidationGatedResolver gated = new ValidationGatedResolver(new Fixed(INSECURE_MX, SECURE_NODATA), () -> PENDING);
        assertThat(gated.mx("example").get()).isInstanceOf(DnsResult.Failure.class);
    }

    @Test
    void secureAnswersPassEvenWhileTheCheckFails() throws Exception {
        ValidationGatedResolver gated = new ValidationGatedResolver(new Fixed(SECURE_MX, SECURE_NODATA), () -> FAILED);
        assertThat(gated.mx("example").get()).isEqualTo(SECURE_MX);
        assertThat(gated.tlsa("_25._tcp.mx.example").get()).isEqualTo(SECURE_NODATA);
    }

    @Test
    void aHealthyOrDeliberatelyOffValidatorChangesNothing() throws Exception {
        AtomicReference<DnssecSelfCheck.Health> health = new AtomicReference<>(OK);
        ValidationGatedResolver gated = new ValidationGatedResolver(new Fixed(INSECURE_MX, SECURE_NODATA), health::get);
        assertThat(gated.mx("example").get()).isEqualTo(INSECURE_MX);
        health.set(OFF);
        assertThat(gated.mx("example").get()).isEqualTo(INSECURE_MX);
        health.set(FAILED);
        assertThat(gated.mx("example").get()).isInstanceOf(DnsResult.Failure.class);
    }

    @Test
    void failuresPassUnchanged() throws Exception {
        DnsResult<MxRecord> servfail = new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL, "upstream SERVFAIL");
        ValidationGatedResolver gated = new ValidationGatedResolver(new Fixed(servfail, SECURE_NODATA), () -> FAILED);
        assertThat(gated.mx("example").get()).isEqualTo(servfail);
    }
}
