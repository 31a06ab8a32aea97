package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Notify;
import dev.rampart.queue.Ret;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command syntax, table-driven (SUB-05, SUB-08, SUB-14, SUB-16, SUB-19..SUB-23). */
class SmtpCommandParserTest {

    private static SmtpCommand parse(String line) {
        return SmtpCommandParser.parse(line.getBytes(StandardCharsets.UTF_8), false);
    }

    /** What a refused line is answered with, or "ok:" + the command type. */
    private static String outcome(String line) {
        return switch (parse(line)) {
            case SmtpCommand.Invalid i -> i.reply().code() + " " + i.reply().enhanced();
            case SmtpCommand c -> "ok:" + c.getClass().getSimpleName();
        };
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            EHLO client.example                          | ok:Ehlo
            ehlo client.example                          | ok:Ehlo
            EHLO [192.0.2.1]                             | ok:Ehlo
            EHLO [IPv6:2001:db8::1]                      | ok:Ehlo
            EHLO [300.1.1.1]                             | 501 5.5.4
            EHLO                                         | 501 5.5.4
            EHLO bad..name                               | 501 5.5.4
            HELO client.example                          | ok:Helo
            MAIL FROM:<a@b.example>                      | ok:Mail
            MAIL FROM: <a@b.example>                     | ok:Mail
            MAIL FROM:<>                                 | ok:Mail
            MAIL FROM:<@relay.example:a@b.example>       | ok:Mail
            MAIL FROM:a@b.example                        | 501 5.5.4
            MAIL FROM:<a@b.example                       | 501 5.5.4
            MAIL TO:<a@b.example>                        | 501 5.5.4
            MAIL FROM:<a@@b.example>                     | 501 5.1.7
            MAIL FROM:<.a@b.example>                     | 501 5.1.7
            MAIL FROM:<"quoted local"@b.example>         | ok:Mail
            MAIL FROM:<a@[192.0.2.1]>                    | ok:Mail
            MAIL FROM:<a@b.example> SIZE=abc             | 501 5.5.4
            MAIL FROM:<a@b.example> SIZE=1 SIZE=2        | 501 5.5.4
            MAIL FROM:<a@b.example> BODY=BINARYMIME      | 501 5.5.4
            MAIL FROM:<a@b.example> SMTPUTF8=yes         | 501 5.5.4
            MAIL FROM:<a@b.example> RET=FULL             | ok:Mail
            MAIL FROM:<a@b.example> ENVID=               | 501 5.5.4
            MAIL FROM:<a@b.example> AUTH=<>              | ok:Mail
            MAIL FROM:<a@b.example> AUTH=bad+            | 501 5.5.4
            MAIL FROM:<a@b.example> XFOO=1               | 555 5.5.4
            MAIL FROM:<a@b.example>x                     | 501 5.5.4
            RCPT TO:<r@b.example>                        | ok:Rcpt
            RCPT TO:<>                                   | 501 5.1.3
            RCPT TO:<postmaster>                         | 501 5.1.3
            RCPT TO:<r@b.example> NOTIFY=                | 501 5.5.4
            RCPT TO:<r@b.example> NOTIFY=SUCCESS,SUCCESS | 501 5.5.4
            RCPT TO:<r@b.example> NOTIFY=sometimes       | 501 5.5.4
            RCPT TO:<r@b.example> ORCPT=rfc822           | 501 5.5.4
            RCPT TO:<r@b.example> ORCPT=;a@b             | 501 5.5.4
            RCPT TO:<r@b.example> ORCPT=rfc822;a+2         | 501 5.5.4
            DATA                                         | ok:Data
            DATA now                                     | 501 5.5.4
            BDAT 100                                     | ok:Bdat
            BDAT 100 LAST                                | ok:Bdat
            BDAT -1                                      | 501 5.5.4
            BDAT 10 FIRST                                | 501 5.5.4
            BDAT                                         | 501 5.5.4
            STARTTLS                                     | ok:StartTls
            STARTTLS x                                   | 501 5.5.4
            AUTH PLAIN                                   | ok:Auth
            AUTH                                         | 501 5.5.4
            RSET                                         | ok:Rset
            NOOP anything                                | ok:Noop
            QUIT                                         | ok:Quit
            QUIT now                                     | 501 5.5.4
            VRFY x                                       | ok:Vrfy
            XYZZY                                        | 500 5.5.1
            """)
    void table(String line, String expected) {
        assertThat(outcome(line.strip())).isEqualTo(expected);
    }

    @Test
    void sub05_emptyAndBinaryLinesAreRefused() {
        assertThat(outcome("")).isEqualTo("500 5.5.2");
        assertThat(SmtpCommandParser.parse(new byte[] {'N', 'O', 'O', 'P', (byte) 0xff}, false))
                .isInstanceOf(SmtpCommand.Invalid.class);
        assertThat(outcome("NOOP\u0000")).isEqualTo("500 5.5.2");
        assertThat(SmtpCommandParser.parse(new byte[0], true)).isEqualTo(
                new SmtpCommand.Invalid("", SmtpCommandParser.LINE_TOO_LONG));
    }

    @Test
    void invalidKeepsTheVerbSoARefusedRcptCounts() {
        assertThat(parse("RCPT TO:<bad>")).isInstanceOfSatisfying(SmtpCommand.Invalid.class,
                i -> assertThat(i.verb()).isEqualTo("RCPT"));
    }

    @Test
    void sub14_sub15_sub21_sub22_sub23_mailParametersAreParsed() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) parse(
                "MAIL FROM:<jörg@b.example> size=1234 body=8bitmime SMTPUTF8 REQUIRETLS ret=hdrs ENVID=a+2Bb");
        assertThat(m.sender()).isEqualTo("jörg@b.example");
        assertThat(m.senderAscii()).isFalse();
        assertThat(m.size().getAsLong()).isEqualTo(1234);
        assertThat(m.body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(m.smtpUtf8()).isTrue();
        assertThat(m.requireTls()).isTrue();
        assertThat(m.ret()).isEqualTo(Ret.HDRS);
        assertThat(m.envId()).isEqualTo("a+b");
        assertThat(m.hasParameters()).isTrue();
        SmtpCommand.Mail plain = (SmtpCommand.Mail) parse("MAIL FROM:<@a.example,@b.example:x@c.example>");
        assertThat(plain.sender()).isEqualTo("x@c.example");
        assertThat(plain.body()).isEqualTo(BodyType.SEVEN_BIT);
        assertThat(plain.ret()).isEqualTo(Ret.UNSPECIFIED);
        assertThat(plain.hasParameters()).isFalse();
    }

    @Test
    void sub22_envIdLongerThan100IsRefused() {
        assertThat(outcome("MAIL FROM:<a@b.example> ENVID=" + "e".repeat(100))).isEqualTo("ok:Mail");
        assertThat(outcome("MAIL FROM:<a@b.example> ENVID=" + "e".repeat(101))).isEqualTo("501 5.5.4");
    }

    @Test
    void sub22_rcptParametersAreParsed() {
        SmtpCommand.Rcpt r = (SmtpCommand.Rcpt) parse("RCPT TO:<r@b.example> NOTIFY=failure,delay ORCPT=rfc822;x+2By@b.example");
        assertThat(r.notifyOn()).isEqualTo(Set.of(Notify.FAILURE, Notify.DELAY));
        assertThat(r.orcpt()).isEqualTo("rfc822;x+y@b.example");
        SmtpCommand.Rcpt utf8 = (SmtpCommand.Rcpt) parse("RCPT TO:<r@b.example> ORCPT=utf-8;δ@b.example");
        assertThat(utf8.orcpt()).isEqualTo("utf-8;δ@b.example");
    }

    @Test
    void sub08_commandLineLimits() {
        assertThat(outcome("NOOP " + "x".repeat(505))).isEqualTo("ok:Noop");
        assertThat(outcome("NOOP " + "x".repeat(506))).isEqualTo("500 5.5.2");
        assertThat(outcome("RCPT TO:<r@b.example> ORCPT=rfc822;" + "x".repeat(480) + "@b.example NOTIFY=SUCCESS,FAILURE,DELAY"))
                .isEqualTo("ok:Rcpt");
    }

    @Test
    void authNeverShowsCredentialsInToString() {
        assertThat(parse("AUTH PLAIN AGFsaWNlAHNlY3JldA==").toString()).doesNotContain("AGFsaWNl");
    }
}
