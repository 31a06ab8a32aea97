package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** REP-01: the _smtp._tls TXT record. */
class TlsRptRecordParserTest {

    @Test
    void rep01_mailtoAndHttpsInOrderWithBlanks() {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of(
                "v=TLSRPTv1; rua=mailto:tlsrpt@example.net , https://reports.example.net/v1/tlsrpt"));
        assertThat(r).isInstanceOf(TlsRptRecord.Found.class);
        List<TlsRptRecord.Destination> rua = r.destinations().orElseThrow();
        assertThat(rua).hasSize(2);
        assertThat(rua.get(0)).isEqualTo(new TlsRptRecord.Destination.Mailto("mailto:tlsrpt@example.net", "tlsrpt@example.net"));
        assertThat(((TlsRptRecord.Destination.Https) rua.get(1)).target().getHost()).isEqualTo("reports.example.net");
    }

    @Test
    void rep01_otherTxtRecordsAreDiscarded() {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of("v=spf1 -all", "v=TLSRPTv1;rua=mailto:a@example.net", "hello"));
        assertThat(r.destinations().orElseThrow()).hasSize(1);
    }

    @Test
    void rep01_unknownFieldsIgnoredAndBlankBeforeDelimiterAccepted() {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of("v=TLSRPTv1 ; ext=1; rua=mailto:a@example.net;"));
        assertThat(r.destinations().orElseThrow()).hasSize(1);
    }

    @Test
    void rep01_mailtoHeaderFieldsAreNotPartOfTheAddress() {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of("v=TLSRPTv1; rua=mailto:a@example.net?subject=x"));
        assertThat(((TlsRptRecord.Destination.Mailto) r.destinations().orElseThrow().getFirst()).address())
                .isEqualTo("a@example.net");
    }

    @ParameterizedTest(name = "REP-01 no reports: {0}")
    @CsvSource(delimiter = '|', value = {
            "v=TLSRPTv1                                   | no rua field",
            "v=TLSRPTv1; ruf=mailto:a@example.net          | no rua field",
            "v=TLSRPTv1; rua=                              | no rua field",
            "v=TLSRPTv1; rua=ftp://example.net/x           | no usable rua URI",
            "v=TLSRPTv1; rua=mailto:not-an-address         | no usable rua URI",
            "v=TLSRPTv10; rua=mailto:a@example.net         | no v=TLSRPTv1 record",
            "V=TLSRPTv1; rua=mailto:a@example.net          | no v=TLSRPTv1 record",
            "rua=mailto:a@example.net; v=TLSRPTv1          | no v=TLSRPTv1 record",
            "v=TLSRPTv1; garbage; rua=mailto:a@example.net | malformed field"})
    void rep01_invalidRecordsGiveNoReports(String txt, String reason) {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of(txt));
        assertThat(r).isInstanceOf(TlsRptRecord.Absent.class);
        assertThat(((TlsRptRecord.Absent) r).reason()).contains(reason);
    }

    @Test
    void rep01_twoRecordsMeanNone() {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of("v=TLSRPTv1; rua=mailto:a@example.net",
                "v=TLSRPTv1; rua=mailto:b@example.net"));
        assertThat(r).isInstanceOf(TlsRptRecord.Absent.class);
    }

    @Test
    void rep01_unusableUrisAreSkippedWhenAnotherIsUsable() {
        TlsRptRecord r = TlsRptRecordParser.parse(List.of("v=TLSRPTv1; rua=ftp://x.example/r,mailto:a@example.net"));
        assertThat(r.destinations().orElseThrow()).extracting(TlsRptRecord.Destination::uri)
                .containsExactly("mailto:a@example.net");
    }

    @Test
    void queryName() {
        assertThat(TlsRptRecordParser.queryName("example.net")).isEqualTo("_smtp._tls.example.net");
    }
}
