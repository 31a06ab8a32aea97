package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnssecStatus;
import dev.rampart.policy.dns.MxResolution;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DeliveryClassifierTest {
    private final DeliveryClassifier classifier = new DeliveryClassifier();

    @ParameterizedTest(name = "{0} {1} \"{2}\" -> {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # stage  | code | text                          | disposition   | status
            DATA_END | 250  | 2.0.0 Ok: queued as X         | DELIVERED     | 2.0.0
            DATA_END | 250  | Ok                            | DELIVERED     | 2.0.0
            # QUE-06: only the first digit decides
            DATA_END | 451  | 4.3.0 try later               | DEFER         | 4.3.0
            DATA_END | 499  | strange                       | DEFER         | 4.0.0
            DATA_END | 554  | 5.7.1 spam                    | BOUNCE        | 5.7.1
            DATA_END | 599  | odd                           | BOUNCE        | 5.0.0
            DATA     | 451  | later                         | DEFER         | 4.0.0
            DATA     | 554  | 5.5.1 no valid recipients     | BOUNCE        | 5.5.1
            # QUE-06: a 5xx to MAIL fails this message; 4xx defers it
            MAIL     | 550  | 5.7.1 sender rejected         | BOUNCE        | 5.7.1
            MAIL     | 421  | 4.7.0 too busy                | DEFER         | 4.7.0
            RCPT     | 550  | 5.1.1 no such user            | BOUNCE        | 5.1.1
            RCPT     | 452  | 4.5.3 too many recipients     | DEFER         | 4.5.3
            # QUE-05: 552 on RCPT is temporary
            RCPT     | 552  | 5.2.2 mailbox full            | DEFER         | 4.2.2
            RCPT     | 552  | too many recipients           | DEFER         | 4.0.0
            # enhanced code whose class disagrees with the reply code is ignored (RFC 2034 §4)
            RCPT     | 550  | 4.1.1 confused                | BOUNCE        | 5.0.0
            # QUE-09: greeting / EHLO failures move on to the next host
            GREETING | 421  | 4.3.2 shutting down           | TRY_NEXT_HOST | 4.3.2
            GREETING | 554  | no service                    | TRY_NEXT_HOST | 5.0.0
            EHLO     | 421  | busy                          | TRY_NEXT_HOST | 4.0.0
            HELO     | 550  | 5.7.1 go away                 | TRY_NEXT_HOST | 5.7.1
            STARTTLS | 554  | 5.5.1 no                      | TRY_NEXT_HOST | 4.5.1
            RSET     | 500  | what                          | TRY_NEXT_HOST | 4.0.0
            """)
    void replyTable(Stage stage, int code, String text, Disposition disposition, String status) {
        Verdict v = classifier.reply(stage, SmtpReply.of(code, text));
        assertThat(v.disposition()).isEqualTo(disposition);
        assertThat(v.status()).isEqualTo(status);
        assertThat(v.diagnostic()).isEqualTo(code + " " + text);
    }

    @ParameterizedTest(name = "lost connection at {0} -> {1}")
    @CsvSource({
            "GREETING, TRY_NEXT_HOST", "EHLO, TRY_NEXT_HOST", "STARTTLS, TRY_NEXT_HOST", "TLS_HANDSHAKE, TRY_NEXT_HOST",
            // QUE-07: a connection lost inside a transaction counts as 451
            "MAIL, DEFER", "RCPT, DEFER", "DATA, DEFER", "DATA_END, DEFER"})
    void connectionLostQue07(Stage stage, Disposition disposition) {
        Verdict v = classifier.failure(new SessionFailure.ConnectionLost(stage, "reset by peer"));
        assertThat(v.disposition()).isEqualTo(disposition);
        assertThat(v.status()).isEqualTo("4.4.2");
        if (disposition == Disposition.DEFER) {
            assertThat(v.diagnostic()).startsWith("451 ");
        }
    }

    @ParameterizedTest(name = "timeout at {0} -> {1}")
    @CsvSource({"GREETING, TRY_NEXT_HOST", "EHLO, TRY_NEXT_HOST", "MAIL, DEFER", "RCPT, DEFER", "DATA_END, DEFER"})
    void timeoutsQue08(Stage stage, Disposition disposition) {
        Verdict v = classifier.failure(new SessionFailure.Timeout(stage));
        assertThat(v.disposition()).isEqualTo(disposition);
        assertThat(v.status()).isEqualTo("4.4.2");
    }

    @Test
    void failureTableQue15() {
        record Row(SessionFailure failure, Disposition disposition, String status) {}
        List<Row> rows = List.of(
                new Row(new SessionFailure.ConnectFailed("refused"), Disposition.TRY_NEXT_HOST, "4.4.1"),
                new Row(new SessionFailure.TlsHandshakeFailed("alert"), Disposition.TRY_NEXT_HOST, "4.7.5"),
                new Row(new SessionFailure.TlsRequired("no STARTTLS"), Disposition.TRY_NEXT_HOST, "4.7.5"),
                // QUE-19
                new Row(new SessionFailure.MissingExtension("SMTPUTF8", "5.6.7", true), Disposition.TRY_NEXT_HOST, "5.6.7"),
                new Row(new SessionFailure.MissingExtension("8BITMIME", "5.6.3", false), Disposition.BOUNCE, "5.6.3"),
                new Row(new SessionFailure.TooLarge(10, 5), Disposition.BOUNCE, "5.3.4"),
                new Row(new SessionFailure.LocalError("disk"), Disposition.DEFER, "4.3.0"),
                new Row(new SessionFailure.Rejected(Stage.RCPT, SmtpReply.of(550, "5.1.1 x")), Disposition.BOUNCE, "5.1.1"));
        for (Row row : rows) {
            Verdict v = classifier.failure(row.failure());
            assertThat(v.disposition()).as(row.failure().toString()).isEqualTo(row.disposition());
            assertThat(v.status()).as(row.failure().toString()).isEqualTo(row.status());
        }
    }

    @Test
    void resolutionStatusesQue15() {
        assertThat(classifier.resolution(new MxResolution.Permanent("x.example", "5.1.2", "NXDOMAIN")))
                .hasValue(new Verdict(Disposition.BOUNCE, "5.1.2", "NXDOMAIN"));
        assertThat(classifier.resolution(new MxResolution.Permanent("x.example", "5.1.10", "null MX")))
                .hasValue(new Verdict(Disposition.BOUNCE, "5.1.10", "null MX"));
        assertThat(classifier.resolution(new MxResolution.Temporary("x.example", "4.4.3", "SERVFAIL")))
                .hasValue(new Verdict(Disposition.DEFER, "4.4.3", "SERVFAIL"));
        // a malformed or wrong-class status never turns a temporary failure into a bounce
        assertThat(classifier.resolution(new MxResolution.Temporary("x.example", "5.1.2", "odd")).orElseThrow().status())
                .isEqualTo("4.4.3");
        assertThat(classifier.resolution(new MxResolution.Hosts("x.example", List.of(), DnssecStatus.INSECURE, false,
                List.of()))).isEmpty();
    }

    @Test
    void exhaustedHostsFollowTheStatusClassQue09() {
        assertThat(classifier.exhausted(new Verdict(Disposition.TRY_NEXT_HOST, "4.4.1", "refused")).disposition())
                .isEqualTo(Disposition.DEFER);
        assertThat(classifier.exhausted(new Verdict(Disposition.TRY_NEXT_HOST, "5.6.7", "no SMTPUTF8")).disposition())
                .isEqualTo(Disposition.BOUNCE);
    }

    @Test
    void expiryKeepsLastTransientStatusQue15() {
        Verdict v = classifier.expired(new Verdict(Disposition.DEFER, "4.4.1", "connect failed"));
        assertThat(v).isEqualTo(new Verdict(Disposition.BOUNCE, "4.4.1", "connect failed"));
    }

    @Test
    void deadDestinationDefersQue04() {
        Verdict v = classifier.destinationDead(new Verdict(Disposition.TRY_NEXT_HOST, "5.0.0", "554 no service"));
        assertThat(v.disposition()).isEqualTo(Disposition.DEFER);
        assertThat(v.status()).isEqualTo("4.0.0");
    }
}
