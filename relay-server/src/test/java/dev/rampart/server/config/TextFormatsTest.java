package dev.rampart.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durations and sizes as operators write them, and back. */
class TextFormatsTest {

    @ParameterizedTest
    @CsvSource({
        "30s, PT30S, 30s",
        "5m, PT5M, 5m",
        "2h30m, PT2H30M, 2h30m",
        "1d, PT24H, 1d",
        "1d12h, PT36H, 1d12h",
        "500ms, PT0.5S, 500ms",
        "90m, PT1H30M, 1h30m",
        "0s, PT0S, 0s",
    })
    void durationsParseAndFormatBack(String text, Duration expected, String formatted) {
        assertThat(DurationText.parse(text)).isEqualTo(expected);
        assertThat(DurationText.format(expected)).isEqualTo(formatted);
        assertThat(DurationText.parse(DurationText.format(expected))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "300|needs a unit",
        "5 days|not a duration",
        "m|not a duration",
        "30m2h|units must go from days down",
        "1h1h|units must go from days down",
        "-5m|not a duration",
        "PT5M|not a duration",
        "''|empty value",
    })
    void badDurationsSayWhatIsExpected(String text, String problem) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
    }

    @ParameterizedTest
    @CsvSource({
        "1048576, 1048576, 1MiB",
        "10MB, 10000000, 10000000",
        "50MiB, 52428800, 50MiB",
        "50mib, 52428800, 50MiB",
        "1 GiB, 1073741824, 1GiB",
        "64KiB, 65536, 64KiB",
        "1000B, 1000, 1000",
        "1500, 1500, 1500",
    })
    void sizesParseAndFormatBack(String text, long expected, String formatted) {
        assertThat(SizeText.parse(text)).isEqualTo(expected);
        assertThat(SizeText.format(expected)).isEqualTo(formatted);
        assertThat(SizeText.parse(SizeText.format(expected))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10M", "ten MB", "-1", "1.5MB", "10 parsecs", "99999999999999999TiB"})
    void badSizesAreRejected(String text) {
        assertThatThrownBy(() -> SizeText.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "::1/128, ::1/128",
        "0:0:0:0:0:0:0:0/0, ::/0",
        "fd00::/8, fd00::/8",
        "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
        "2001:db8:0:1:1:1:1:1/64, 2001:db8:0:1:1:1:1:1/64",
        "10.0.0.0/8, 10.0.0.0/8",
    })
    void cidrsAreWrittenInRfc5952Form(String text, String formatted) {
        ValueType.CidrValue type = new ValueType.CidrValue();
        assertThat(type.format(Cidr.parse(text))).isEqualTo(formatted);
        assertThat(Cidr.parse(type.format(Cidr.parse(text)))).isEqualTo(Cidr.parse(text));
    }
}
