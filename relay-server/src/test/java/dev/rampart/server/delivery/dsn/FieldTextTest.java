package dev.rampart.server.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Folding, cleaning and reply handling used by every notice field. */
class FieldTextTest {

    @Test
    void shortFieldsStayOnOneLine() {
        assertThat(FieldText.fold("Status", "5.1.1")).isEqualTo("Status: 5.1.1");
    }

    @Test
    void longFieldsFoldAtSpacesAndUnfoldToTheOriginal() {
        String value = "smtp; 550 5.7.1 " + "word ".repeat(60).strip();
        String folded = FieldText.fold("Diagnostic-Code", value);
        for (String line : folded.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
        assertThat(folded.replace("\r\n ", " ")).isEqualTo("Diagnostic-Code: " + value);
    }

    @Test
    void aWordLongerThanALineIsCutBelowTheHardLimit() {
        String folded = FieldText.fold("X", "a ".repeat(3) + "z".repeat(3000));
        for (String line : folded.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(folded.replace("\r\n ", "").replace(" ", "")).isEqualTo("X:aaa" + "z".repeat(3000));
    }

    @Test
    void cleaningRemovesControlsAndOptionallyNonAscii() {
        assertThat(FieldText.clean("a\r\n\tb\u0000c  d", true)).isEqualTo("a b c d");
        assertThat(FieldText.clean("café", true)).isEqualTo("caf?");
        assertThat(FieldText.clean("café", false)).isEqualTo("café");
    }

    @Test
    void multiLineRepliesBecomeOneLine() {
        assertThat(FieldText.replyAsOneLine("550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 last"))
                .isEqualTo("550-5.7.1 first 5.7.1 second 5.7.1 last");
        assertThat(FieldText.isRemoteReply("550 5.1.1 nope")).isTrue();
        assertThat(FieldText.isRemoteReply("421-busy")).isTrue();
        assertThat(FieldText.isRemoteReply("null MX")).isFalse();
        assertThat(FieldText.isRemoteReply("1234 not a reply")).isFalse();
    }

    @Test
    void datesAreRfc5322WithNumericZone() {
        assertThat(FieldText.date(Instant.parse("2026-01-05T07:08:09Z"))).isEqualTo("Mon, 5 Jan 2026 07:08:09 +0000");
    }

    @Test
    void xtextEncodesPlusEqualsSpaceAndNonAscii() {
        assertThat(FieldText.xtext("a+b=c d")).isEqualTo("a+2Bb+3Dc+20d");
        assertThat(FieldText.xtext("ü")).isEqualTo("+C3+BC");
    }
}
