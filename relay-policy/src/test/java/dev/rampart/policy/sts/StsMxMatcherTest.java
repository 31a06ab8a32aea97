package dev.rampart.policy.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** STS-17: mx patterns against MX host names, RFC 8461 §4.1. */
class StsMxMatcherTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("STS-17 exact", "mail.example.com", "mail.example.com", true),
                Arguments.of("STS-17 exact, other host", "mail.example.com", "mx.example.com", false),
                Arguments.of("STS-17 case-insensitive host", "mail.example.com", "MAIL.Example.COM", true),
                Arguments.of("STS-17 case-insensitive pattern", "*.EXAMPLE.com", "mail.example.com", true),
                Arguments.of("STS-17 host trailing dot dropped", "mail.example.com", "mail.example.com.", true),
                Arguments.of("STS-17 wildcard one label", "*.example.com", "mail.example.com", true),
                Arguments.of("STS-17 wildcard does not match the suffix itself", "*.example.com", "example.com", false),
                Arguments.of("STS-17 wildcard covers exactly one label", "*.example.com", "a.b.example.com", false),
                Arguments.of("STS-17 wildcard needs a label boundary", "*.example.com", "mailexample.com", false),
                Arguments.of("STS-17 wildcard, other suffix", "*.example.com", "mail.example.net", false),
                Arguments.of("STS-17 exact does not cover subdomains", "example.com", "mail.example.com", false),
                Arguments.of("STS-17 U-label host compared as A-label", "mx.xn--bcher-kva.example", "mx.bücher.example", true),
                Arguments.of("STS-17 wildcard and U-label host", "*.xn--bcher-kva.example", "MX.Bücher.example", true),
                Arguments.of("STS-17 not a host name", "*.example.com", "bad..example.com", false),
                Arguments.of("STS-17 empty host", "example.com", "", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches(String name, String pattern, String host, boolean expected) {
        assertThat(StsMxMatcher.matches(pattern, host)).isEqualTo(expected);
    }

    @Test
    void implicitMxMatchesTheDomainItself_STS17() {
        StsPolicy policy = new StsPolicy("STSv1", StsMode.ENFORCE, 86400, List.of("example.com"), List.of());
        assertThat(StsMxMatcher.admits(policy, "example.com")).isTrue();
        assertThat(StsMxMatcher.admits(policy, "mail.example.com")).isFalse();
    }

    @Test
    void anyPatternAdmits_STS17() {
        StsPolicy policy = new StsPolicy("STSv1", StsMode.ENFORCE, 86400,
                List.of("mx1.example.com", "*.backup.example.net"), List.of());
        assertThat(StsMxMatcher.admits(policy, "mx1.example.com")).isTrue();
        assertThat(StsMxMatcher.admits(policy, "b1.backup.example.net")).isTrue();
        assertThat(StsMxMatcher.admits(policy, "mx2.example.com")).isFalse();
    }
}
