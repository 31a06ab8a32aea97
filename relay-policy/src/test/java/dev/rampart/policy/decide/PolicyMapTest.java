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

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("example.com", "policy-map line 2: 'example.com' has no level"),
                Arguments.of("example.com dane extra", "policy-map line 2: expected '<domain> <level>', found 3 fields"),
                Arguments.of("example.com must", "policy-map line 2: unknown level 'must' (supported: dane, dane-only)"),
                Arguments.of("example.com secure", "policy-map line 2: level 'secure' is not supported yet"),
                Arguments.of("example.com encrypt", "policy-map line 2: level 'encrypt' is not supported yet"),
                Arguments.of("exa_mple.com dane", "policy-map line 2: 'exa_mple.com' is not a valid domain"),
                Arguments.of("..example.com dane", "policy-map line 2: '..example.com' is not a valid domain"),
                Arguments.of(". dane", "policy-map line 2: '.' is not a valid domain"),
                Arguments.of("[192.0.2.1] dane", "policy-map line 2: '[192.0.2.1]' is not a valid domain"),
                Arguments.of("ok.example dane", "policy-map line 2: 'ok.example' is listed twice"));
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
