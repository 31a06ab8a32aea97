package dev.rampart.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;

/** MX-01: lower case, A-labels, no trailing dot; anything that is not a domain name is refused. */
class DomainNamesTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("example.com", "example.com"),
                Arguments.of("Example.COM", "example.com"),
                Arguments.of("example.com.", "example.com"),
                Arguments.of("bücher.example", "xn--bcher-kva.example"),
                Arguments.of("BÜCHER.example.", "xn--bcher-kva.example"),
                Arguments.of("XN--BCHER-KVA.example", "xn--bcher-kva.example"),
                Arguments.of("例え.テスト", "xn--r8jz45g.xn--zckzah"),
                Arguments.of("a-b.c9", "a-b.c9"),
                Arguments.of("localhost", "localhost"),
                Arguments.of("a".repeat(63) + ".com", "a".repeat(63) + ".com"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("valid")
    void normalises_MX01(String input, String expected) {
        assertThat(DomainNames.normalize(input)).contains(expected);
        assertThat(DomainNames.normalize(expected)).as("idempotent").contains(expected);
    }

    static Stream<String> invalid() {
        return Stream.of("", ".", "..", "a..b", ".example.com", "-a.example.com", "a-.example.com",
                "exa mple.com", "under_score.example.com", "a".repeat(64) + ".com",
                ("a".repeat(60) + ".").repeat(5) + "com", "example.com..", "[192.0.2.1]", "user@example.com",
                // IDNA2003 and IDNA2008 disagree on these; refusing beats routing to another domain
                "faß.de", "FAẞ.de", "ς.example", "a\u200db.example", "a\u200cb.example");
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @MethodSource("invalid")
    void refusesBadNames_MX01(String input) {
        assertThat(DomainNames.normalize(input)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    void refusesNull(String input) {
        assertThat(DomainNames.normalize(input)).isEqualTo(Optional.empty());
        assertThat(DomainNames.normalizeLookupName(input)).isEqualTo(Optional.empty());
    }

    static Stream<Arguments> lookupNames() {
        return Stream.of(
                Arguments.of("_mta-sts.Example.com.", Optional.of("_mta-sts.example.com")),
                Arguments.of("_smtp._TLS.example.com", Optional.of("_smtp._tls.example.com")),
                Arguments.of("_25._tcp.mx.bücher.example", Optional.of("_25._tcp.mx.xn--bcher-kva.example")),
                Arguments.of("example.com", Optional.of("example.com")),
                Arguments.of("_only", Optional.empty()),
                Arguments.of("_bad!.example.com", Optional.empty()),
                Arguments.of("_x.under_score.example.com", Optional.empty()),
                Arguments.of("_x..example.com", Optional.empty()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("lookupNames")
    void lookupNamesMayStartWithUnderscoreLabels(String input, Optional<String> expected) {
        assertThat(DomainNames.normalizeLookupName(input)).isEqualTo(expected);
    }
}
