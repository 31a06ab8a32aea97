package dev.rampart.policy.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** STS-11, STS-12: the policy file, RFC 8461 §3.2 and erratum 7282. */
class StsPolicyParserTest {

    private static final String GOOD = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n";

    private static StsPolicy valid(String text) {
        StsPolicyResult r = StsPolicyParser.parse(text);
        assertThat(r).isInstanceOf(StsPolicyResult.Valid.class);
        return ((StsPolicyResult.Valid) r).policy();
    }

    @Test
    void rfcExample_STS11() {
        StsPolicy p = valid(GOOD);
        assertThat(p.version()).isEqualTo("STSv1");
        assertThat(p.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(p.maxAgeSeconds()).isEqualTo(604800);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net");
        assertThat(p.lines()).containsExactly("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "mx: *.example.net", "max_age: 604800");
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("STS-11 CRLF line ends", GOOD.replace("\n", "\r\n"), StsMode.ENFORCE, 604800L, 2),
                Arguments.of("STS-11 no final line end", GOOD.strip(), StsMode.ENFORCE, 604800L, 2),
                Arguments.of("STS-11 no blank after colon", "version:STSv1\nmode:testing\nmx:a.example\nmax_age:1\n",
                        StsMode.TESTING, 1L, 1),
                Arguments.of("STS-11 several blanks and tabs after colon", "version: \t STSv1\nmode:\tnone\nmax_age:   5\n",
                        StsMode.NONE, 5L, 0),
                Arguments.of("STS-11 trailing blanks dropped", "version: STSv1  \nmode: enforce\t\nmx: a.example \nmax_age: 9 \n",
                        StsMode.ENFORCE, 9L, 1),
                Arguments.of("STS-11 version need not be first", "mode: enforce\nmx: a.example\nmax_age: 60\nversion: STSv1\n",
                        StsMode.ENFORCE, 60L, 1),
                Arguments.of("STS-11 unknown keys ignored", GOOD + "foo: bar\nx-ext.1: some value with blanks\n",
                        StsMode.ENFORCE, 604800L, 2),
                Arguments.of("STS-11 repeated mode: first wins", GOOD + "mode: none\n", StsMode.ENFORCE, 604800L, 2),
                Arguments.of("STS-11 repeated max_age: first wins", GOOD + "max_age: 1\n", StsMode.ENFORCE, 604800L, 2),
                Arguments.of("STS-11 repeated version: first wins", GOOD + "version: STSv2\n", StsMode.ENFORCE, 604800L, 2),
                Arguments.of("STS-11 blank lines skipped", "\nversion: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 60\n\n\n",
                        StsMode.ENFORCE, 60L, 1),
                Arguments.of("STS-12 mode none needs no mx", "version: STSv1\nmode: none\nmax_age: 86400\n",
                        StsMode.NONE, 86400L, 0),
                Arguments.of("STS-12 max_age 0", "version: STSv1\nmode: none\nmax_age: 0\n", StsMode.NONE, 0L, 0),
                Arguments.of("STS-12 max_age at the limit", "version: STSv1\nmode: none\nmax_age: 31557600\n",
                        StsMode.NONE, 31557600L, 0),
                Arguments.of("STS-12 erratum 7282: max_age above limit capped", "version: STSv1\nmode: none\nmax_age: 31557601\n",
                        StsMode.NONE, 31557600L, 0),
                Arguments.of("STS-12 erratum 7282: 10 digits capped", "version: STSv1\nmode: none\nmax_age: 9999999999\n",
                        StsMode.NONE, 31557600L, 0),
                Arguments.of("STS-12 leading zeros", "version: STSv1\nmode: none\nmax_age: 0000000060\n", StsMode.NONE, 60L, 0),
                Arguments.of("STS-12 mx upper case folded", "version: STSv1\nmode: enforce\nmx: MX.Example.COM\nmax_age: 60\n",
                        StsMode.ENFORCE, 60L, 1),
                Arguments.of("STS-11 UTF-8 in an unknown value", GOOD + "comment: grüße\n", StsMode.ENFORCE, 604800L, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepted(String name, String text, StsMode mode, long maxAge, int mxCount) {
        StsPolicy p = valid(text);
        assertThat(p.mode()).isEqualTo(mode);
        assertThat(p.maxAgeSeconds()).isEqualTo(maxAge);
        assertThat(p.mx()).hasSize(mxCount);
        assertThat(p.mx()).allMatch(m -> m.equals(m.toLowerCase(java.util.Locale.ROOT)));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("STS-12 empty file", "", "version is missing"),
                Arguments.of("STS-12 version missing", "mode: enforce\nmx: a.example\nmax_age: 60\n", "version is missing"),
                Arguments.of("STS-12 version wrong", GOOD.replace("STSv1", "STSv2"), "version must be STSv1"),
                Arguments.of("STS-12 version case-sensitive", GOOD.replace("STSv1", "stsv1"), "version must be STSv1"),
                Arguments.of("STS-12 mode missing", "version: STSv1\nmx: a.example\nmax_age: 60\n", "mode is missing"),
                Arguments.of("STS-12 mode unknown", GOOD.replace("enforce", "strict"), "mode must be"),
                Arguments.of("STS-12 mode case-sensitive", GOOD.replace("enforce", "Enforce"), "mode must be"),
                Arguments.of("STS-11 key case-sensitive: Mode is unknown, so mode is missing",
                        GOOD.replace("mode:", "Mode:"), "mode is missing"),
                Arguments.of("STS-11 repeated mode: the bad first one wins",
                        "version: STSv1\nmode: bogus\nmode: enforce\nmx: a.example\nmax_age: 60\n", "mode must be"),
                Arguments.of("STS-12 max_age missing", "version: STSv1\nmode: none\n", "max_age is missing"),
                Arguments.of("STS-12 erratum 7282: 11 digits", "version: STSv1\nmode: none\nmax_age: 10000000000\n", "1-10 digits"),
                Arguments.of("STS-12 max_age negative", "version: STSv1\nmode: none\nmax_age: -1\n", "1-10 digits"),
                Arguments.of("STS-12 max_age with unit", "version: STSv1\nmode: none\nmax_age: 60s\n", "1-10 digits"),
                Arguments.of("STS-12 max_age with plus", "version: STSv1\nmode: none\nmax_age: +60\n", "1-10 digits"),
                Arguments.of("STS-12 enforce without mx", "version: STSv1\nmode: enforce\nmax_age: 60\n", "needs at least one mx"),
                Arguments.of("STS-12 testing without mx", "version: STSv1\nmode: testing\nmax_age: 60\n", "needs at least one mx"),
                Arguments.of("STS-12 mx with trailing dot", GOOD + "mx: mail.example.org.\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx wildcard in the middle", GOOD + "mx: mail.*.example.org\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx partial wildcard", GOOD + "mx: m*.example.org\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx bare wildcard", GOOD + "mx: *\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx U-label", GOOD + "mx: mx.bücher.example\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx with underscore", GOOD + "mx: mx_1.example.org\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx label ending in hyphen", GOOD + "mx: mx-.example.org\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx with port", GOOD + "mx: mx.example.org:25\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx empty label", GOOD + "mx: mx..example.org\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-12 mx label of 64 characters", GOOD + "mx: " + "a".repeat(64) + ".example\n", "is not [\"*.\"]Domain"),
                Arguments.of("STS-11 line without colon", GOOD + "garbage\n", "line 6 is not 'key: value'"),
                Arguments.of("STS-11 blank before colon", "version : STSv1\nmode: none\nmax_age: 60\n", "line 1 has a bad key"),
                Arguments.of("STS-11 empty value", GOOD + "mx:\n", "empty value"),
                Arguments.of("STS-11 control character in value", GOOD + "foo: a\u0001b\n", "control character"),
                Arguments.of("STS-11 bare CR inside a line", "version: STSv1\rmode: none\nmax_age: 60\n", "control character"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejected(String name, String text, String reason) {
        StsPolicyResult r = StsPolicyParser.parse(text);
        assertThat(r).isInstanceOf(StsPolicyResult.Invalid.class);
        assertThat(((StsPolicyResult.Invalid) r).reason()).contains(reason);
    }

    @Test
    void policyLinesKeepFileOrderAndNormaliseBlanks_RPT03() {
        StsPolicy p = valid("mode:enforce\r\nmx:\t a.example \r\nmax_age:60\r\nversion:STSv1\r\nfoo:  bar  baz\r\n");
        assertThat(p.lines()).containsExactly("mode: enforce", "mx: a.example", "max_age: 60", "version: STSv1",
                "foo: bar  baz");
        assertThat(p.mx()).isEqualTo(List.of("a.example"));
    }
}
