package dev.rampart.policy.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnsResult.FailureKind;
import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxHost;
import dev.rampart.policy.dns.MxRecord;
import dev.rampart.policy.dns.MxResolution;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The MX rules (MX-01..MX-13) as a table over {@link MxPlanner}: DNS facts in, {@link MxResolution} out. */
class MxPlannerTest {

    private static final String D = "example.com";
    private static final LocalIdentity SELF = LocalIdentity.of(List.of("relay.ours.test"), List.of(ip("198.51.100.25")));

    /** One row: next hop, the MX answer, the address answers, and what must come out. */
    record Case(String id, String nextHop, DnsResult<MxRecord> mx, Map<String, DnsResult<InetAddress>> hosts,
                Consumer<Outcome> expect) {
        @Override
        public String toString() {
            return id;
        }
    }

    /** What the planner produced and which DNS questions it asked for. */
    record Outcome(MxResolution resolution, boolean mxAsked, List<String> hostsAsked) {}

    static Stream<Case> table() {
        return Stream.of(
                // MX-01: normalised before lookup
                new Case("MX-01 upper case and trailing dot", "Example.COM.", mx(rec(10, "mx.example.com")),
                        Map.of("mx.example.com", addrs("192.0.2.10")),
                        o -> assertThat(hosts(o)).extracting(MxHost::name).containsExactly("mx.example.com")),

                // MX-02: address literals, no DNS at all
                new Case("MX-02 IPv4 literal", "[192.0.2.1]", null, Map.of(), o -> {
                    assertThat(o.mxAsked()).isFalse();
                    assertThat(hosts(o)).singleElement().satisfies(h -> {
                        assertThat(h.addresses()).containsExactly(ip("192.0.2.1"));
                        assertThat(h.name()).isEqualTo("[192.0.2.1]");
                    });
                }),
                new Case("MX-02 IPv6 literal, tag in any case", "[ipv6:2001:DB8::1]", null, Map.of(), o -> {
                    assertThat(o.mxAsked()).isFalse();
                    assertThat(hosts(o)).singleElement().satisfies(h -> assertThat(h.addresses()).containsExactly(ip("2001:db8::1")));
                }),
                new Case("MX-02 bad IPv4 literal", "[300.1.1.1]", null, Map.of(), o -> permanent(o, "5.1.3")),
                new Case("MX-02 IPv6 literal without tag", "[2001:db8::1]", null, Map.of(), o -> permanent(o, "5.1.3")),
                new Case("MX-02 literal that is our own address", "[198.51.100.25]", null, Map.of(), o -> permanent(o, "5.4.6")),
                new Case("invalid domain syntax", "exa mple.com", null, Map.of(), o -> permanent(o, "5.1.3")),

                // MX-03/MX-05: MX first; lookup errors defer, never fall back to A/AAAA
                new Case("MX-05 SERVFAIL", D, fail(FailureKind.SERVFAIL), Map.of(), o -> tempNoFallback(o)),
                new Case("MX-05 timeout", D, fail(FailureKind.TIMEOUT), Map.of(), o -> tempNoFallback(o)),
                new Case("MX-05 malformed", D, fail(FailureKind.MALFORMED), Map.of(), o -> tempNoFallback(o)),
                new Case("MX-05 bogus", D, fail(FailureKind.BOGUS), Map.of(), o -> tempNoFallback(o)),
                new Case("MX-03 CNAME loop", D, fail(FailureKind.CNAME_LOOP), Map.of(), o -> tempNoFallback(o)),

                // MX-04
                new Case("MX-04 NXDOMAIN", D, new DnsResult.NxDomain<>(DnssecStatus.INSECURE, D), Map.of(), o -> {
                    permanent(o, "5.1.2");
                    assertThat(o.hostsAsked()).isEmpty();
                }),

                // MX-06: implicit MX
                new Case("MX-06 NODATA uses the domain itself at preference 0", D, nodata(),
                        Map.of(D, addrs("192.0.2.7")), o -> {
                            MxResolution.Hosts h = (MxResolution.Hosts) o.resolution();
                            assertThat(h.implicit()).isTrue();
                            assertThat(h.hosts()).singleElement().satisfies(x -> {
                                assertThat(x.name()).isEqualTo(D);
                                assertThat(x.preference()).isZero();
                            });
                        }),
                new Case("MX-06 NODATA and no address: permanent 5.1.2", D, nodata(),
                        Map.of(D, new DnsResult.NoData<>(DnssecStatus.INSECURE, D)), o -> permanent(o, "5.1.2")),
                new Case("MX-06 NODATA and address NXDOMAIN: permanent 5.1.2", D, nodata(),
                        Map.of(D, new DnsResult.NxDomain<>(DnssecStatus.INSECURE, D)), o -> permanent(o, "5.1.2")),
                new Case("MX-06 NODATA and address lookup fails: temporary", D, nodata(),
                        Map.of(D, fail(FailureKind.TIMEOUT)), o -> temporary(o)),
                new Case("MX-06/MX-11 NODATA and the domain's address is ours", D, nodata(),
                        Map.of(D, addrs("198.51.100.25")), o -> permanent(o, "5.4.6")),
                new Case("MX-06/MX-11 NODATA for our own name", "relay.ours.test", nodata(), Map.of(),
                        o -> permanent(o, "5.4.6")),

                // MX-07: null MX
                new Case("MX-07 null MX", D, mx(rec(0, "")), Map.of(), o -> {
                    permanent(o, "5.1.10");
                    assertThat(o.hostsAsked()).isEmpty();
                }),
                new Case("MX-07 '.' among real MX is ignored and listed", D, mx(rec(0, ""), rec(10, "mx.example.com")),
                        Map.of("mx.example.com", addrs("192.0.2.10")), o -> {
                            assertThat(hosts(o)).extracting(MxHost::name).containsExactly("mx.example.com");
                            assertThat(((MxResolution.Hosts) o.resolution()).skipped()).anyMatch(s -> s.startsWith(". "));
                        }),

                // MX-08: MX exist, the domain's own address is never used
                new Case("MX-08 every target NXDOMAIN: no fallback to the domain", D, mx(rec(10, "gone.example.com")),
                        Map.of("gone.example.com", new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "gone.example.com"),
                                D, addrs("192.0.2.99")), o -> {
                            permanent(o, "5.4.4");
                            assertThat(o.hostsAsked()).doesNotContain(D);
                        }),

                // MX-09: preference order
                new Case("MX-09 sorted by preference", D,
                        mx(rec(30, "c.example.com"), rec(10, "a.example.com"), rec(20, "b.example.com")),
                        Map.of("a.example.com", addrs("192.0.2.1"), "b.example.com", addrs("192.0.2.2"),
                                "c.example.com", addrs("192.0.2.3")),
                        o -> assertThat(hosts(o)).extracting(MxHost::name)
                                .containsExactly("a.example.com", "b.example.com", "c.example.com")),
                new Case("MX-09 addresses keep resolver order", D, mx(rec(10, "a.example.com")),
                        Map.of("a.example.com", addrs("2001:db8::2", "192.0.2.1")),
                        o -> assertThat(hosts(o).get(0).addresses()).containsExactly(ip("2001:db8::2"), ip("192.0.2.1"))),
                new Case("MX-09 duplicate exchange keeps its best preference", D,
                        mx(rec(20, "a.example.com"), rec(10, "a.example.com")),
                        Map.of("a.example.com", addrs("192.0.2.1")),
                        o -> assertThat(hosts(o)).singleElement().satisfies(h -> assertThat(h.preference()).isEqualTo(10))),

                // MX-11: ourselves
                new Case("MX-11 our name drops its preference and worse", D,
                        mx(rec(10, "a.example.com"), rec(20, "relay.ours.test"), rec(20, "b.example.com"), rec(30, "c.example.com")),
                        Map.of("a.example.com", addrs("192.0.2.1"), "b.example.com", addrs("192.0.2.2"),
                                "c.example.com", addrs("192.0.2.3")), o -> {
                            assertThat(hosts(o)).extracting(MxHost::name).containsExactly("a.example.com");
                            assertThat(o.hostsAsked()).containsExactly("a.example.com");
                        }),
                new Case("MX-11 our name is the best MX: loops back 5.4.6", D,
                        mx(rec(10, "relay.ours.test"), rec(20, "b.example.com")),
                        Map.of("b.example.com", addrs("192.0.2.2")), o -> {
                            permanent(o, "5.4.6");
                            assertThat(o.hostsAsked()).isEmpty();
                        }),
                new Case("MX-11 our address at preference 20", D,
                        mx(rec(10, "a.example.com"), rec(20, "alias-of-us.example.com"), rec(30, "c.example.com")),
                        Map.of("a.example.com", addrs("192.0.2.1"), "alias-of-us.example.com", addrs("198.51.100.25"),
                                "c.example.com", addrs("192.0.2.3")),
                        o -> assertThat(hosts(o)).extracting(MxHost::name).containsExactly("a.example.com")),
                new Case("MX-11 our address at the best preference drops equal peers too: 5.4.6", D,
                        mx(rec(10, "a.example.com"), rec(10, "alias-of-us.example.com")),
                        Map.of("a.example.com", addrs("192.0.2.1"), "alias-of-us.example.com", addrs("198.51.100.25")),
                        o -> permanent(o, "5.4.6")),
                new Case("MX-11 better MX unresolvable, we are next: temporary", D,
                        mx(rec(10, "a.example.com"), rec(20, "relay.ours.test")),
                        Map.of("a.example.com", fail(FailureKind.SERVFAIL)), o -> temporary(o)),

                // MX-12: unusable targets
                new Case("MX-12 IP string target is skipped", D, mx(rec(10, "192.0.2.5"), rec(20, "b.example.com")),
                        Map.of("b.example.com", addrs("192.0.2.2")), o -> {
                            assertThat(hosts(o)).extracting(MxHost::name).containsExactly("b.example.com");
                            assertThat(o.hostsAsked()).doesNotContain("192.0.2.5");
                        }),
                new Case("MX-12 IPv6 string target is skipped", D, mx(rec(10, "2001:db8::5")), Map.of(),
                        o -> permanent(o, "5.4.4")),
                new Case("MX-12 NXDOMAIN and no-address targets skipped", D,
                        mx(rec(10, "gone.example.com"), rec(20, "empty.example.com"), rec(30, "ok.example.com")),
                        Map.of("gone.example.com", new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "gone.example.com"),
                                "empty.example.com", new DnsResult.NoData<>(DnssecStatus.INSECURE, "empty.example.com"),
                                "ok.example.com", addrs("192.0.2.3")), o -> {
                            assertThat(hosts(o)).extracting(MxHost::name).containsExactly("ok.example.com");
                            assertThat(((MxResolution.Hosts) o.resolution()).skipped()).hasSize(2);
                        }),
                new Case("MX-12 every target definitely unusable: permanent 5.4.4", D,
                        mx(rec(10, "gone.example.com"), rec(20, "empty.example.com")),
                        Map.of("gone.example.com", new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "gone.example.com"),
                                "empty.example.com", new DnsResult.NoData<>(DnssecStatus.INSECURE, "empty.example.com")),
                        o -> permanent(o, "5.4.4")),

                // MX-13: a failed address lookup skips that host only
                new Case("MX-13 one host fails, the other is used", D, mx(rec(10, "a.example.com"), rec(20, "b.example.com")),
                        Map.of("a.example.com", fail(FailureKind.TIMEOUT), "b.example.com", addrs("192.0.2.2")), o -> {
                            assertThat(hosts(o)).extracting(MxHost::name).containsExactly("b.example.com");
                            assertThat(((MxResolution.Hosts) o.resolution()).skipped()).singleElement()
                                    .asString().contains("a.example.com").contains("TIMEOUT");
                        }),
                new Case("MX-13 every host fails temporarily: 4.4.3", D, mx(rec(10, "a.example.com"), rec(20, "b.example.com")),
                        Map.of("a.example.com", fail(FailureKind.TIMEOUT), "b.example.com", fail(FailureKind.BOGUS)),
                        o -> temporary(o)),
                new Case("MX-12/13 one NXDOMAIN, one temporary failure: temporary, not permanent", D,
                        mx(rec(10, "gone.example.com"), rec(20, "b.example.com")),
                        Map.of("gone.example.com", new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "gone.example.com"),
                                "b.example.com", fail(FailureKind.SERVFAIL)), o -> temporary(o)),

                // DNS status travels with the plan
                new Case("DNS-04/05 MX status and per-host address status are carried", D,
                        new DnsResult.Records<>(List.of(rec(10, "a.example.com")), DnssecStatus.SECURE, D, Duration.ofMinutes(5)),
                        Map.of("a.example.com", new DnsResult.Records<>(List.of(ip("192.0.2.1")), DnssecStatus.INSECURE,
                                "a.example.com", Duration.ofMinutes(5))), o -> {
                            MxResolution.Hosts h = (MxResolution.Hosts) o.resolution();
                            assertThat(h.mxStatus()).isEqualTo(DnssecStatus.SECURE);
                            assertThat(h.hosts().get(0).addressStatus()).isEqualTo(DnssecStatus.INSECURE);
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void rule(Case c) {
        c.expect().accept(drive(c.nextHop(), c.mx(), c.hosts(), new SplittableRandom(1)));
    }

    @Test
    void equalPreferencesAreShuffledButNeverAcrossPreferences_MX09() {
        DnsResult<MxRecord> answer = mx(rec(10, "a.example.com"), rec(10, "b.example.com"), rec(10, "c.example.com"),
                rec(20, "z.example.com"));
        Map<String, DnsResult<InetAddress>> hosts = Map.of("a.example.com", addrs("192.0.2.1"),
                "b.example.com", addrs("192.0.2.2"), "c.example.com", addrs("192.0.2.3"), "z.example.com", addrs("192.0.2.9"));
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            List<String> names = hosts(drive(D, answer, hosts, new SplittableRandom(seed))).stream().map(MxHost::name).toList();
            assertThat(names.subList(0, 3)).containsExactlyInAnyOrder("a.example.com", "b.example.com", "c.example.com");
            assertThat(names.get(3)).isEqualTo("z.example.com");
            orders.add(names);
        }
        assertThat(orders).as("all 3! orders of the equal-preference group appear").hasSize(6);
    }

    @Test
    void sameSeedGivesSameOrder_MX09() {
        DnsResult<MxRecord> answer = mx(rec(10, "a.example.com"), rec(10, "b.example.com"), rec(10, "c.example.com"));
        Map<String, DnsResult<InetAddress>> hosts = Map.of("a.example.com", addrs("192.0.2.1"),
                "b.example.com", addrs("192.0.2.2"), "c.example.com", addrs("192.0.2.3"));
        assertThat(hosts(drive(D, answer, hosts, new SplittableRandom(42))))
                .isEqualTo(hosts(drive(D, answer, hosts, new SplittableRandom(42))));
    }

    @Test
    void idnDomainIsAskedInALabelForm_MX01() {
        assertThat(MxPlanner.start("Bücher.Example", SELF)).isEqualTo(new MxStep.QueryMx("xn--bcher-kva.example"));
    }

    @Test
    void missingAddressAnswerIsTemporaryNotPermanent() {
        MxStep step = MxPlanner.afterMx(D, mx(rec(10, "a.example.com")), SELF);
        assertThat(MxPlanner.finish((MxStep.ResolveHosts) step, Map.of(), SELF, new SplittableRandom(1)))
                .isInstanceOf(MxResolution.Temporary.class);
    }

    // ---- driving the three pure steps the way DnsMxLookup does, but from a table ----

    private static Outcome drive(String nextHop, DnsResult<MxRecord> mx, Map<String, DnsResult<InetAddress>> hosts,
                                 SplittableRandom random) {
        boolean mxAsked = false;
        List<String> asked = new ArrayList<>();
        MxStep step = MxPlanner.start(nextHop, SELF);
        while (true) {
            switch (step) {
                case MxStep.Decided d -> {
                    return new Outcome(d.resolution(), mxAsked, asked);
                }
                case MxStep.QueryMx q -> {
                    mxAsked = true;
                    assertThat(mx).as("the table row must give an MX answer").isNotNull();
                    step = MxPlanner.afterMx(q.domain(), mx, SELF);
                }
                case MxStep.ResolveHosts r -> {
                    Map<String, DnsResult<InetAddress>> given = new HashMap<>();
                    for (String h : r.hostNames()) {
                        asked.add(h);
                        if (hosts.containsKey(h)) {
                            given.put(h, hosts.get(h));
                        }
                    }
                    return new Outcome(MxPlanner.finish(r, given, SELF, random), mxAsked, asked);
                }
            }
        }
    }

    private static List<MxHost> hosts(Outcome o) {
        assertThat(o.resolution()).isInstanceOf(MxResolution.Hosts.class);
        return ((MxResolution.Hosts) o.resolution()).hosts();
    }

    private static void permanent(Outcome o, String status) {
        assertThat(o.resolution()).isInstanceOfSatisfying(MxResolution.Permanent.class,
                p -> assertThat(p.status()).isEqualTo(status));
    }

    private static void temporary(Outcome o) {
        assertThat(o.resolution()).isInstanceOfSatisfying(MxResolution.Temporary.class,
                t -> assertThat(t.status()).isEqualTo("4.4.3"));
    }

    private static void tempNoFallback(Outcome o) {
        temporary(o);
        assertThat(o.hostsAsked()).as("MX-05: never fall back to A/AAAA").isEmpty();
    }

    private static MxRecord rec(int pref, String exchange) {
        return new MxRecord(pref, exchange);
    }

    private static DnsResult<MxRecord> mx(MxRecord... records) {
        return new DnsResult.Records<>(Arrays.asList(records), DnssecStatus.INSECURE, D, Duration.ofMinutes(5));
    }

    private static DnsResult<MxRecord> nodata() {
        return new DnsResult.NoData<>(DnssecStatus.INSECURE, D);
    }

    private static <T> DnsResult<T> fail(FailureKind kind) {
        return new DnsResult.Failure<>(kind, "test");
    }

    private static DnsResult<InetAddress> addrs(String... ips) {
        return new DnsResult.Records<>(Arrays.stream(ips).map(MxPlannerTest::ip).toList(), DnssecStatus.INSECURE,
                "host", Duration.ofMinutes(5));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
