package dev.rampart.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecSelfCheck.Health;
import dev.rampart.policy.dns.DnssecSelfCheck.State;
import dev.rampart.policy.dns.testing.FakeDnsServer;
import dev.rampart.policy.dns.testing.ManualClock;
import dev.rampart.policy.dns.testing.SignedZone;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The validator health check behind /readyz and rampart_dnssec_validation_ok (DNS-01, DNS-02, DNS-03). */
class DnssecSelfCheckTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static DnsResult<String> secureData() {
        return new DnsResult.Records<>(List.of("v=1"), DnssecStatus.SECURE, "ok.test", Duration.ofMinutes(5));
    }

    private static List<Map.Entry<String, DnsResult<?>>> broken(DnsResult<?> r) {
        return List.of(Map.entry("broken.test", r));
    }

    @Nested
    class Verdict {
        @Test
        void secureNameSecureAndBrokenNameBogusIsHealthy() {
            Health h = DnssecSelfCheck.evaluate(DnssecMode.VALIDATE, "ok.test", secureData(),
                    broken(new DnsResult.Failure<>(FailureKind.BOGUS, "RRSIG expired")), AT);
            assertThat(h.state()).isEqualTo(State.OK);
            assertThat(h.ok()).isTrue();
            assertThat(h.reason()).isEqualTo("DNSSEC validation works: signed name ok.test is secure, broken name broken.test bogus");
            assertThat(h.checkedAt()).isEqualTo(AT);
        }

        @Test
        void secureDenialAlsoProvesValidation_DNS02() {
            Health h = DnssecSelfCheck.evaluate(DnssecMode.VALIDATE, "ok.test",
                    new DnsResult.NoData<String>(DnssecStatus.SECURE, "ok.test"), List.of(), AT);
            assertThat(h.state()).isEqualTo(State.OK);
        }

        @Test
        void insecureAnswerForTheSignedNameIsUnhealthy() {
            Health h = DnssecSelfCheck.evaluate(DnssecMode.VALIDATE, "ok.test",
                    new DnsResult.Records<>(List.of("v=1"), DnssecStatus.INSECURE, "ok.test", Duration.ZERO), List.of(), AT);
            assertThat(h.ok()).isFalse();
            assertThat(h.reason()).startsWith("DNSSEC validation is not working: signed name ok.test came back INSECURE");
        }

        @Test
        void failedLookupOfTheSignedNameIsUnhealthyWithItsReason_DNS03() {
            Health h = DnssecSelfCheck.evaluate(DnssecMode.VALIDATE, "ok.test",
                    new DnsResult.Failure<String>(FailureKind.BOGUS, "No trust anchor matches the DNSKEY"), List.of(), AT);
            assertThat(h.state()).isEqualTo(State.FAILED);
            assertThat(h.reason()).isEqualTo("DNSSEC validation is not working: signed name ok.test did not resolve "
                    + "(bogus: No trust anchor matches the DNSKEY)");
        }

        @Test
        void brokenNameThatResolvesIsUnhealthy() {
            Health h = DnssecSelfCheck.evaluate(DnssecMode.VALIDATE, "ok.test", secureData(),
                    broken(new DnsResult.Records<>(List.of("x"), DnssecStatus.INSECURE, "broken.test", Duration.ZERO)), AT);
            assertThat(h.ok()).isFalse();
            assertThat(h.reason()).endsWith("broken name broken.test was answered as INSECURE");
        }

        @Test
        void plainServfailForTheBrokenNameCountsOnlyWhenTrustingAd() {
            DnsResult<?> servfail = new DnsResult.Failure<>(FailureKind.SERVFAIL, "upstream answered SERVFAIL");
            assertThat(DnssecSelfCheck.evaluate(DnssecMode.TRUST_AD, "ok.test", secureData(), broken(servfail), AT).ok())
                    .isTrue();
            Health validating = DnssecSelfCheck.evaluate(DnssecMode.VALIDATE, "ok.test", secureData(), broken(servfail), AT);
            assertThat(validating.ok()).isFalse();
            assertThat(validating.reason()).contains("failed as servfail instead of bogus");
        }

        @Test
        void offIsNotAFailure() {
            Health h = DnssecSelfCheck.evaluate(DnssecMode.OFF, "ok.test",
                    new DnsResult.Failure<String>(FailureKind.TIMEOUT, "x"), List.of(), AT);
            assertThat(h.state()).isEqualTo(State.OFF);
            assertThat(h.ok()).isTrue();
            assertThat(h.reason()).isEqualTo("DNSSEC validation is off");
        }
    }

    @Nested
    class AgainstASignedZone {
        private final ManualClock clock = new ManualClock();
        private FakeDnsServer server;
        private ExecutorService executor;
        private SignedZone zone;

        @BeforeEach
        void start() throws Exception {
            executor = Executors.newFixedThreadPool(2);
            server = FakeDnsServer.start();
            zone = SignedZone.builder("selfcheck.test.").at(clock.instant())
                    .add("ok.selfcheck.test. 300 IN TXT \"signed\"", "broken.selfcheck.test. 300 IN TXT \"forged\"")
                    .wrongSignature("broken.selfcheck.test.", "TXT")
                    .sign();
            server.serve(zone);
        }

        @AfterEach
        void stop() throws Exception {
            server.close();
            executor.shutdownNow();
            assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }

        private DnssecSelfCheck check(String anchors) {
            DnsjavaResolver resolver = new DnsjavaResolver(List.of(server.address()),
                    ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.VALIDATE),
                    TrustAnchors.parse(anchors, "test anchors"), clock, executor);
            return new DnssecSelfCheck(resolver, DnssecMode.VALIDATE, "ok.selfcheck.test",
                    List.of("broken.selfcheck.test"), clock);
        }

        @Test
        void matchingAnchorIsHealthy() {
            DnssecSelfCheck check = check(zone.dsAnchor());
            assertThat(check.latest().state()).isEqualTo(State.PENDING);
            assertThat(check.latest().ok()).as("not ready before the first proof").isFalse();
            Health h = check.run().orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(h.state()).as(h.reason()).isEqualTo(State.OK);
            assertThat(check.latest()).isEqualTo(h);
        }

        @Test
        void anchorThatDoesNotMatchIsUnhealthyWithReason() {
            SignedZone impostor = SignedZone.builder("selfcheck.test.").at(clock.instant()).sign();
            DnssecSelfCheck check = check(impostor.dsAnchor());
            Health h = check.run().orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(h.state()).isEqualTo(State.FAILED);
            assertThat(h.reason()).startsWith("DNSSEC validation is not working: signed name ok.selfcheck.test did not resolve (bogus: ");
            assertThat(check.latest().ok()).isFalse();
        }

        @Test
        void validatorThatCannotSeeSignaturesIsUnhealthy() {
            // A zone outside every anchor validates as INSECURE: exactly what a stripped or unanchored chain looks like.
            SignedZone elsewhere = SignedZone.builder("elsewhere.test.").at(clock.instant()).sign();
            DnssecSelfCheck check = check(elsewhere.dsAnchor());
            Health h = check.run().orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(h.reason()).contains("came back INSECURE");
        }

        @Test
        void scheduledCheckRunsAtOnce() throws Exception {
            DnssecSelfCheck check = check(zone.dsAnchor());
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            try {
                ScheduledFuture<?> task = check.schedule(scheduler, Duration.ofHours(1));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (check.latest().state() == State.PENDING && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling a real condition
                }
                assertThat(check.latest().state()).isEqualTo(State.OK);
                task.cancel(false);
            } finally {
                scheduler.shutdownNow();
            }
        }

        @Test
        void offModeAsksNothing() {
            DnsjavaResolver resolver = new DnsjavaResolver(List.of(server.address()),
                    ResolverSettings.defaults(Duration.ofSeconds(5), AddressPreference.IPV4_FIRST, DnssecMode.OFF), clock, executor);
            DnssecSelfCheck check = new DnssecSelfCheck(resolver, DnssecMode.OFF, "ok.selfcheck.test", List.of(), clock);
            assertThat(check.latest().state()).isEqualTo(State.OFF);
            assertThat(check.run().join().ok()).isTrue();
            assertThat(server.totalQueries()).isZero();
        }
    }
}
