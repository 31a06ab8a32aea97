package dev.rampart.policy.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** POL-10, DANE-16: the {@code tls.policy-map} file format and its lookup rules. */
class PolicyMapTest {

    private static final PolicyMap MAP = PolicyMap.parse("policy-map", List.of(
            "# manual TLS levels",
            "",
            "   ",
            "secure.example        dane-only",
            ".example.net\tdane-only   # every subdomain",
            ".corp.example.net     dane",
            "corp.example.net      dane-only",
            "BÜCHER.example        DANE-ONLY",
            "trailing.example.     dane"));

    static Stream<Arguments> lookups() {
        return Stream.of(
                Arguments.of("exact entry", "secure.example", Optional.of(ManualPolicy.DANE_ONLY)),
                Arguments.of("exact entry does not cover subdomains", "mx.secure.example", Optional.empty()),
                Arguments.of("parent entry covers a subdomain", "mail.example.net", Optional.of(ManualPolicy.DANE_ONLY)),
                Arguments.of("parent entry covers deeper subdomains", "a.b.example.net", Optional.of(ManualPolicy.DANE_ONLY)),
                Arguments.of("parent entry does not cover the parent itself", "example.net", Optional.empty()),
                Arguments.of("longest parent wins", "x.corp.example.net", Optional.of(ManualPolicy.DANE)),
                Arguments.of("longest parent wins, deeper", "y.x.corp.example.net", Optional.of(ManualPolicy.DANE)),
                Arguments.of("exact beats parent", "corp.example.net", Optional.of(ManualPolicy.DANE_ONLY)),
                Arguments.of("IDN entry normalised to A-labels (MX-01)", "xn--bcher-kva.example", Optional.of(ManualPolicy.DANE_ONLY)),
                Arguments.of("entry written with a trailing dot", "trailing.example", Optional.of(ManualPolicy.DANE)),
                Arguments.of("no entry", "other.example", Optional.empty()),
                Arguments.of("suffix is not a label boundary", "badexample.net", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("lookups")
    void lookup_POL10(String what, String domain, Optional<ManualPolicy> expected) {
        assertThat(MAP.entryFor(domain)).isEqualTo(expected);
        assertThat(MAP.levelFor(domain)).isEqualTo(expected.orElse(ManualPolicy.DANE));
    }

    @Test
    void emptyMapGivesTheDefaultDaneLevel() {
        assertThat(PolicyMap.EMPTY.levelFor("example.com")).isEqualTo(ManualPolicy.DANE);
        assertThat(PolicyMap.parse("empty", List.of("# nothing", "")).size()).isZero();
        assertThat(MAP.size()).isEqualTo(6);
    }

    @Test
    void keywordsRoundTrip() {
        assertThat(ManualPolicy.DANE.keyword()).isEqualTo("dane");
        assertThat(ManualPolicy.DANE_ONLY.keyword()).isEqualTo("dane-only");
    }

    static Stream<Arguments> levels() {
        return Stream.of(
                Arguments.of("none", ManualPolicy.NONE, "none", false),
                Arguments.of("may", ManualPolicy.MAY, "may", false),
                Arguments.of("encrypt", ManualPolicy.ENCRYPT, "encrypt", false),
                Arguments.of("secure", new ManualPolicy.Secure(List.of()), "secure", false),
                Arguments.of("SECURE match=MX1.Example.com:mx2.example.com",
                        new ManualPolicy.Secure(List.of("mx1.example.com", "mx2.example.com")),
                        "secure match=mx1.example.com:mx2.example.com", false),
                Arguments.of("secure Match=bücher.example", new ManualPolicy.Secure(List.of("xn--bcher-kva.example")),
                        "secure match=xn--bcher-kva.example", false),
                Arguments.of("dane", ManualPolicy.DANE, "dane", true),
                Arguments.of("dane-only", ManualPolicy.DANE_ONLY, "dane-only", true));
    }

    /** POL-10: each level, its attributes, and whether it keeps discovery (DANE, MTA-STS) or replaces it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("levels")
    void eachLevelParses_POL10(String entry, ManualPolicy expected, String described, boolean discovery) {
        PolicyMap map = PolicyMap.parse("policy-map", List.of("example.com " + entry));
        assertThat(map.levelFor("example.com")).isEqualTo(expected);
        assertThat(expected.describe()).isEqualTo(described);
        assertThat(expected.usesDiscovery()).isEqualTo(discovery);
        assertThat(PolicyMap.parse("again", List.of("example.com " + described)).levelFor("example.com"))
                .as("describe() is a valid entry that parses back to the same level").isEqualTo(expected);
    }

    @Test
    void secureDefaultNamesAreTheMxHostAndTheNextHop_POL10() {
        ManualPolicy.Secure dflt = new ManualPolicy.Secure(List.of());
        assertThat(dflt.referenceIds("mx1.example.com", "example.com")).containsExactly("mx1.example.com", "example.com");
        assertThat(dflt.referenceIds("example.com", "example.com")).as("implicit MX: one name").containsExactly("example.com");
        ManualPolicy.Secure matched = new ManualPolicy.Secure(List.of("a.example", "b.example"));
        assertThat(matched.referenceIds("mx1.example.com", "example.com")).containsExactly("a.example", "b.example");
    }

    @Test
    void addressLiteralEntriesMatchEverySpellingOfTheAddress_row19() {
        PolicyMap map = PolicyMap.parse("m", List.of(
                "[192.0.2.25] encrypt",
                "[IPv6:2001:db8::25] secure match=mx.example.net",
                "example.net none"));
        assertThat(map.entryFor("[192.0.2.25]")).contains(ManualPolicy.ENCRYPT);
        assertThat(map.entryFor("[ipv6:2001:DB8:0::25]")).contains(new ManualPolicy.Secure(List.of("mx.example.net")));
        assertThat(map.entryFor("[192.0.2.26]")).isEmpty();
        assertThat(map.entryFor("[not an address]")).isEmpty();
        assertThat(map.levelFor("[198.51.100.1]")).isEqualTo(ManualPolicy.DANE);
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("example.com", "policy-map line 2: 'example.com' has no level"),
                Arguments.of("example.com dane extra", "policy-map line 2: level 'dane' takes no attributes, found 'extra'"),
                Arguments.of("example.com encrypt match=mx.example.com",
                        "policy-map line 2: level 'encrypt' takes no attributes"),
                Arguments.of("example.com must", "policy-map line 2: unknown level 'must' (supported: none, may, encrypt, secure, dane, dane-only)"),
                Arguments.of("example.com secure names=mx.example.com", "policy-map line 2: unknown attribute 'names=mx.example.com'"),
                Arguments.of("example.com secure match=", "policy-map line 2: match= needs at least one host name"),
                Arguments.of("example.com secure match=a.example:", "policy-map line 2: match name '' is not a host name"),
                Arguments.of("example.com secure match=a.example::b.example", "policy-map line 2: match name '' is not a host name"),
                Arguments.of("example.com secure match=*.example.com", "policy-map line 2: match name '*.example.com' is not a host name"),
                Arguments.of("example.com secure match=.example.com", "policy-map line 2: match name '.example.com' is not a host name"),
                Arguments.of("example.com secure match=a_b.example", "policy-map line 2: match name 'a_b.example' is not a host name"),
                Arguments.of("example.com secure match=a.example match=b.example", "policy-map line 2: match= given twice"),
                Arguments.of("exa_mple.com dane", "policy-map line 2: 'exa_mple.com' is not a valid domain"),
                Arguments.of("..example.com dane", "policy-map line 2: '..example.com' is not a valid domain"),
                Arguments.of(". dane", "policy-map line 2: '.' is not a valid domain"),
                Arguments.of("[192.0.2.256] encrypt", "policy-map line 2: '[192.0.2.256]' is not a valid address literal"),
                Arguments.of("[mx.example] encrypt", "policy-map line 2: '[mx.example]' is not a valid address literal"),
                Arguments.of("[192.0.2.1] dane-only", "policy-map line 2: dane-only cannot apply to an address literal"),
                Arguments.of("[192.0.2.1] secure", "policy-map line 2: secure for an address literal needs match=<names>"),
                Arguments.of("ok.example dane", "policy-map line 2: 'ok.example' is listed twice"),
                Arguments.of("OK.example. none", "policy-map line 2: 'OK.example.' is listed twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void badLineIsRefusedNamingTheLine(String line, String message) {
        assertThatThrownBy(() -> PolicyMap.parse("policy-map", List.of("ok.example dane", line)))
                .isInstanceOf(PolicyMapException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((PolicyMapException) e).line()).isEqualTo(2));
    }

    @Test
    void parentAndExactEntriesForTheSameNameAreDistinct() {
        PolicyMap map = PolicyMap.parse("m", List.of("example.org dane", ".example.org dane-only"));
        assertThat(map.levelFor("example.org")).isEqualTo(ManualPolicy.DANE);
        assertThat(map.levelFor("mx.example.org")).isEqualTo(ManualPolicy.DANE_ONLY);
    }
}
