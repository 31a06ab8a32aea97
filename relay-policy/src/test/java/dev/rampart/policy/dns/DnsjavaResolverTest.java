package dev.rampart.policy.dns;

import static dev.rampart.policy.dns.testing.DnsAssertions.assertRecords;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.testing.FakeDnsServer;
import dev.rampart.policy.dns.testing.FakeDnsServer.Fault;
import dev.rampart.policy.dns.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link DnsjavaResolver} against an in-process authoritative server on loopback (DNS-01..DNS-06, MX-01, MX-03). */
class DnsjavaResolverTest {

    private FakeDnsServer server;
    private ExecutorService executor;
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void startServer() throws Exception {
        server = FakeDnsServer.start();
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private DnsjavaResolver resolver(DnssecMode mode, AddressPreference preference) {
        return resolver(ResolverSettings.defaults(Duration.ofSeconds(2), preference, mode));
    }

    private DnsjavaResolver resolver(ResolverSettings settings) {
        return new DnsjavaResolver(List.of(server.address()), settings, clock, executor);
    }

    private DnsjavaResolver resolver() {
        return resolver(DnssecMode.TRUST_AD, AddressPreference.IPV4_FIRST);
    }

    private static <T> DnsResult<T> get(java.util.concurrent.CompletableFuture<DnsResult<T>> f) {
        return f.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Nested
    class Answers {
        @Test
        void mxRecordsAreNormalisedAndNullMxTargetBecomesEmpty_MX01_MX07() {
            server.add("example.test. 300 IN MX 10 MX1.Example.TEST.", "example.test. 300 IN MX 0 .");
            DnsResult<MxRecord> r = get(resolver().mx("Example.Test."));
            assertRecords(r, rec -> {
                assertThat(rec.records()).containsExactlyInAnyOrder(new MxRecord(10, "mx1.example.test"), new MxRecord(0, ""));
                assertThat(rec.canonicalName()).isEqualTo("example.test");
                assertThat(rec.ttl()).isEqualTo(Duration.ofSeconds(300));
            });
        }

        @Test
        void adBitIsBelievedOnlyWhenTrusted_DNS01() {
            server.add("example.test. 300 IN MX 10 mx.example.test.").secure("example.test.");
            assertThat(status(get(resolver(DnssecMode.TRUST_AD, AddressPreference.IPV4_FIRST).mx("example.test")))).isEqualTo(DnssecStatus.SECURE);
            assertThat(status(get(resolver(DnssecMode.OFF, AddressPreference.IPV4_FIRST).mx("example.test")))).isEqualTo(DnssecStatus.INSECURE);
        }

        @Test
        void answerWithoutAdIsInsecure_DNS01() {
            server.add("example.test. 300 IN MX 10 mx.example.test.");
            assertThat(status(get(resolver().mx("example.test")))).isEqualTo(DnssecStatus.INSECURE);
        }

        @Test
        void txtStringsOfOneRecordAreJoinedWithoutSeparator() {
            server.add("_mta-sts.example.test. 300 IN TXT \"v=STSv1; \" \"id=2024\"");
            DnsResult<String> r = get(resolver().txt("_mta-sts.example.test"));
            assertRecords(r, rec -> assertThat(rec.records()).containsExactly("v=STSv1; id=2024"));
        }

        @Test
        void addressesFollowThePreference_MX09() throws Exception {
            server.add("mx.example.test. 300 IN A 192.0.2.1", "mx.example.test. 300 IN A 192.0.2.2",
                    "mx.example.test. 300 IN AAAA 2001:db8::1");
            InetAddress v4a = InetAddress.getByName("192.0.2.1");
            InetAddress v4b = InetAddress.getByName("192.0.2.2");
            InetAddress v6 = InetAddress.getByName("2001:db8::1");
            assertThat(addresses(resolver(DnssecMode.TRUST_AD, AddressPreference.IPV4_FIRST))).containsExactly(v4a, v4b, v6);
            assertThat(addresses(resolver(DnssecMode.TRUST_AD, AddressPreference.IPV6_FIRST))).containsExactly(v6, v4a, v4b);
            assertThat(addresses(resolver(DnssecMode.TRUST_AD, AddressPreference.RESOLVER_ORDER))).containsExactly(v6, v4a, v4b);
        }

        private List<InetAddress> addresses(DnsjavaResolver r) {
            DnsResult<InetAddress> result = get(r.addresses("mx.example.test"));
            assertThat(result).isInstanceOf(DnsResult.Records.class);
            return ((DnsResult.Records<InetAddress>) result).records();
        }

        @Test
        void oneFamilyFailingStillGivesTheOtherFamilysAddressesWithTheirOwnStatus_MX13() throws Exception {
            server.add("mx.example.test. 300 IN AAAA 2001:db8::7").secure("mx.example.test.")
                    .fault("mx.example.test.", "A", Fault.SERVFAIL);
            InetAddress expected = InetAddress.getByName("2001:db8::7");
            DnsResult<InetAddress> r = get(resolver().addresses("mx.example.test"));
            assertRecords(r, rec -> {
                assertThat(rec.records()).containsExactly(expected);
                assertThat(rec.status()).isEqualTo(DnssecStatus.SECURE);
            });
        }

        @Test
        void bothFamiliesFailingIsAFailure() {
            server.add("mx.example.test. 300 IN AAAA 2001:db8::7")
                    .fault("mx.example.test.", "A", Fault.SERVFAIL).fault("mx.example.test.", "AAAA", Fault.REFUSED);
            assertThat(get(resolver().addresses("mx.example.test"))).isInstanceOf(DnsResult.Failure.class);
        }

        @Test
        void onlyOneFamilyPresentIsRecordsCombinedWithTheOtherSidesNodata() throws Exception {
            server.add("v6only.example.test. 300 IN AAAA 2001:db8::8").secure("v6only.example.test.");
            InetAddress expected = InetAddress.getByName("2001:db8::8");
            DnsResult<InetAddress> r = get(resolver().addresses("v6only.example.test"));
            assertRecords(r, rec -> {
                assertThat(rec.records()).containsExactly(expected);
                assertThat(rec.status()).isEqualTo(DnssecStatus.SECURE);
            });
        }

        @Test
        void hostWithoutAddressesIsNodataOrNxdomain() {
            server.add("mx.example.test. 300 IN TXT \"no address here\"");
            assertThat(get(resolver().addresses("mx.example.test"))).isInstanceOf(DnsResult.NoData.class);
            assertThat(get(resolver().addresses("gone.example.test"))).isInstanceOf(DnsResult.NxDomain.class);
        }

        @Test
        void nxdomainAndNodataAreAnswersWithStatus_DNS02() {
            server.add("example.test. 300 IN A 192.0.2.1").secure("example.test.", "nope.example.test.");
            DnsjavaResolver r = resolver();
            assertThat(get(r.mx("example.test"))).isEqualTo(new DnsResult.NoData<>(DnssecStatus.SECURE, "example.test"));
            assertThat(get(r.mx("nope.example.test"))).isEqualTo(new DnsResult.NxDomain<>(DnssecStatus.SECURE, "nope.example.test"));
        }

        @Test
        void anInvalidNameIsRejectedWithoutAQuery() {
            assertThat(get(resolver().mx("bad..name"))).isInstanceOfSatisfying(DnsResult.Failure.class,
                    f -> assertThat(f.kind()).isEqualTo(FailureKind.MALFORMED));
            assertThat(server.totalQueries()).isZero();
        }

        @Test
        void truncatedUdpReplyIsRetriedOverTcp() {
            server.add("big.example.test. 300 IN MX 10 mx.example.test.").fault("big.example.test.", Fault.TRUNCATE_UDP);
            assertThat(get(resolver().mx("big.example.test"))).isInstanceOf(DnsResult.Records.class);
            assertThat(server.tcpQueries()).isEqualTo(1);
        }
    }

    @Nested
    class Failures {
        @Test
        void servfailIsAFailure_DNS03() {
            server.fault("example.test.", Fault.SERVFAIL);
            assertThat(kind(get(resolver().mx("example.test")))).isEqualTo(FailureKind.SERVFAIL);
        }

        @Test
        void refusedIsATemporaryLookupFailure_DNS03() {
            server.fault("example.test.", Fault.REFUSED);
            assertThat(kind(get(resolver().mx("example.test")))).isEqualTo(FailureKind.SERVFAIL);
        }

        @Test
        void noReplyIsATimeout_DNS03() {
            server.fault("example.test.", Fault.DROP);
            DnsjavaResolver r = resolver(ResolverSettings.defaults(Duration.ofMillis(300), AddressPreference.IPV4_FIRST, DnssecMode.TRUST_AD));
            assertThat(kind(get(r.mx("example.test")))).isEqualTo(FailureKind.TIMEOUT);
        }

        @Test
        void cutOffReplyIsMalformed_DNS03() {
            server.fault("example.test.", Fault.MALFORMED);
            DnsjavaResolver r = resolver(ResolverSettings.defaults(Duration.ofMillis(500), AddressPreference.IPV4_FIRST, DnssecMode.TRUST_AD));
            assertThat(kind(get(r.mx("example.test")))).isEqualTo(FailureKind.MALFORMED);
        }

        @Test
        void replyToAnotherQuestionIsNeverUsed_DNS03() {
            server.add("example.test. 300 IN MX 10 mx.example.test.").fault("example.test.", Fault.WRONG_QUESTION);
            DnsjavaResolver r = resolver(ResolverSettings.defaults(Duration.ofMillis(500), AddressPreference.IPV4_FIRST, DnssecMode.TRUST_AD));
            assertThat(kind(get(r.mx("example.test")))).isEqualTo(FailureKind.MALFORMED);
        }
    }

    @Nested
    class CnameChains {
        @Test
        void chainInOneResponseIsFollowed_MX03() {
            server.add("example.test. 300 IN CNAME mail.example.net.",
                    "mail.example.net. 120 IN MX 10 mx.example.net.");
            DnsResult<MxRecord> r = get(resolver().mx("example.test"));
            assertRecords(r, rec -> {
                assertThat(rec.canonicalName()).isEqualTo("mail.example.net");
                assertThat(rec.records()).containsExactly(new MxRecord(10, "mx.example.net"));
                assertThat(rec.ttl()).isEqualTo(Duration.ofSeconds(120));
            });
        }

        @Test
        void chainAcrossResponsesIsFollowedByHand_MX03() {
            server.followCnames(false)
                    .add("example.test. 300 IN CNAME a.example.net.", "a.example.net. 300 IN CNAME b.example.org.",
                            "b.example.org. 60 IN MX 5 mx.example.org.");
            DnsResult<MxRecord> r = get(resolver().mx("example.test"));
            assertRecords(r, rec -> {
                assertThat(rec.canonicalName()).isEqualTo("b.example.org");
                assertThat(rec.ttl()).isEqualTo(Duration.ofSeconds(60));
            });
            assertThat(server.queries("example.test", "MX")).isEqualTo(1);
            assertThat(server.queries("a.example.net", "MX")).isEqualTo(1);
            assertThat(server.queries("b.example.org", "MX")).isEqualTo(1);
        }

        @Test
        void chainIsSecureOnlyIfEveryLinkIs_DNS04() {
            server.add("example.test. 300 IN CNAME mail.example.net.", "mail.example.net. 300 IN MX 10 mx.example.net.")
                    .secure("example.test.");
            assertThat(status(get(resolver().mx("example.test")))).isEqualTo(DnssecStatus.INSECURE);
            server.secure("mail.example.net.");
            assertThat(status(get(resolver().mx("example.test")))).isEqualTo(DnssecStatus.SECURE);
        }

        @Test
        void insecureLinkInSeparateResponsesMakesTheResultInsecure_DNS04() {
            server.followCnames(false)
                    .add("example.test. 300 IN CNAME mail.example.net.", "mail.example.net. 300 IN MX 10 mx.example.net.")
                    .secure("example.test.");
            assertThat(status(get(resolver().mx("example.test")))).isEqualTo(DnssecStatus.INSECURE);
        }

        @Test
        void failureOnAnyLinkFailsTheLookup_DNS04() {
            server.followCnames(false)
                    .add("example.test. 300 IN CNAME mail.example.net.", "mail.example.net. 300 IN MX 10 mx.example.net.")
                    .fault("mail.example.net.", Fault.SERVFAIL);
            assertThat(kind(get(resolver().mx("example.test")))).isEqualTo(FailureKind.SERVFAIL);
        }

        @Test
        void nxdomainAtTheEndOfTheChainNamesTheLastLink() {
            server.add("example.test. 300 IN CNAME gone.example.net.");
            assertThat(get(resolver().mx("example.test")))
                    .isEqualTo(new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "gone.example.net"));
        }

        @Test
        void loopInOneResponseIsDetected() {
            server.add("a.test. 300 IN CNAME b.test.", "b.test. 300 IN CNAME a.test.");
            assertThat(kind(get(resolver().mx("a.test")))).isEqualTo(FailureKind.CNAME_LOOP);
        }

        @Test
        void loopAcrossResponsesIsDetected() {
            server.followCnames(false).add("a.test. 300 IN CNAME b.test.", "b.test. 300 IN CNAME a.test.");
            assertThat(kind(get(resolver().mx("a.test")))).isEqualTo(FailureKind.CNAME_LOOP);
            assertThat(server.queries("a.test", "MX")).isEqualTo(1);
            assertThat(server.queries("b.test", "MX")).isEqualTo(1);
        }

        @Test
        void eightHopsAreFollowedButNineAreNot_MX03() {
            for (int i = 0; i < 9; i++) {
                server.add("h" + i + ".test. 300 IN CNAME h" + (i + 1) + ".test.");
            }
            server.add("h9.test. 300 IN MX 10 mx.test.");
            assertThat(get(resolver().mx("h0.test"))).as("h0 -> h9 is 9 hops")
                    .isInstanceOfSatisfying(DnsResult.Failure.class,
                            f -> assertThat(f.kind()).isEqualTo(FailureKind.CNAME_LOOP));
            assertRecords(get(resolver().mx("h1.test")), rec -> assertThat(rec.canonicalName()).isEqualTo("h9.test"));
        }
    }

    @Nested
    class Caching {
        @Test
        void answerIsServedFromCacheUntilItsTtlRunsOut_DNS06() {
            server.add("example.test. 300 IN MX 10 mx.example.test.");
            DnsjavaResolver r = resolver();
            get(r.mx("example.test"));
            get(r.mx("EXAMPLE.test."));
            assertThat(server.queries("example.test", "MX")).isEqualTo(1);
            clock.advance(Duration.ofSeconds(299));
            get(r.mx("example.test"));
            assertThat(server.queries("example.test", "MX")).isEqualTo(1);
            clock.advance(Duration.ofSeconds(2));
            get(r.mx("example.test"));
            assertThat(server.queries("example.test", "MX")).isEqualTo(2);
        }

        @Test
        void chainIsCachedForItsShortestLink_DNS06() {
            server.add("example.test. 30 IN CNAME mail.example.net.", "mail.example.net. 300 IN MX 10 mx.example.net.");
            DnsjavaResolver r = resolver();
            get(r.mx("example.test"));
            clock.advance(Duration.ofSeconds(31));
            get(r.mx("example.test"));
            assertThat(server.queries("example.test", "MX")).isEqualTo(2);
        }

        @Test
        void negativeAnswerIsCachedBySoaMinimumAndCapped_DNS06() {
            server.negativeTtl(120);
            DnsjavaResolver r = resolver();
            get(r.mx("nope.test"));
            clock.advance(Duration.ofSeconds(119));
            get(r.mx("nope.test"));
            assertThat(server.queries("nope.test", "MX")).isEqualTo(1);
            clock.advance(Duration.ofSeconds(2));
            get(r.mx("nope.test"));
            assertThat(server.queries("nope.test", "MX")).isEqualTo(2);

            server.negativeTtl(86_400);
            DnsjavaResolver capped = resolver(new ResolverSettings(Duration.ofSeconds(2), AddressPreference.IPV4_FIRST,
                    DnssecMode.TRUST_AD, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofDays(1), 100));
            get(capped.mx("other.test"));
            clock.advance(Duration.ofSeconds(61));
            get(capped.mx("other.test"));
            assertThat(server.queries("other.test", "MX")).isEqualTo(2);
        }

        @Test
        void failureIsCachedOnlyBriefly_DNS06() {
            server.fault("example.test.", Fault.SERVFAIL);
            DnsjavaResolver r = resolver();
            get(r.mx("example.test"));
            get(r.mx("example.test"));
            assertThat(server.queries("example.test", "MX")).as("failure cached for a few seconds").isEqualTo(1);
            server.clearFault("example.test.").add("example.test. 300 IN MX 10 mx.example.test.");
            clock.advance(Duration.ofSeconds(6));
            assertThat(get(r.mx("example.test"))).isInstanceOf(DnsResult.Records.class);
            assertThat(server.queries("example.test", "MX")).isEqualTo(2);
        }

        @Test
        void answerCapIsHonoured() {
            server.add("example.test. 86400 IN MX 10 mx.example.test.");
            DnsjavaResolver r = resolver(new ResolverSettings(Duration.ofSeconds(2), AddressPreference.IPV4_FIRST,
                    DnssecMode.TRUST_AD, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(600), 100));
            get(r.mx("example.test"));
            clock.advance(Duration.ofSeconds(601));
            get(r.mx("example.test"));
            assertThat(server.queries("example.test", "MX")).isEqualTo(2);
        }
    }

    private static DnssecStatus status(DnsResult<?> r) {
        return switch (r) {
            case DnsResult.Records<?> x -> x.status();
            case DnsResult.NoData<?> x -> x.status();
            case DnsResult.NxDomain<?> x -> x.status();
            case DnsResult.Failure<?> x -> throw new AssertionError("unexpected failure " + x);
        };
    }

    private static FailureKind kind(DnsResult<?> r) {
        assertThat(r).isInstanceOf(DnsResult.Failure.class);
        return ((DnsResult.Failure<?>) r).kind();
    }
}
