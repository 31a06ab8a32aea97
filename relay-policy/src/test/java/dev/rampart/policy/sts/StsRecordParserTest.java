package dev.rampart.policy.sts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.policy.dns.DnsResult;
import dev.rampart.policy.dns.DnssecStatus;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** STS-02, STS-03: the {@code _mta-sts} TXT RRset, RFC 8461 §3.1 and erratum 6285. */
class StsRecordParserTest {

    static Stream<Arguments> usable() {
        return Stream.of(
                Arguments.of("STS-03 plain record", List.of("v=STSv1; id=20160831085700Z"), "20160831085700Z"),
                Arguments.of("STS-03 no blank after separator", List.of("v=STSv1;id=abc"), "abc"),
                Arguments.of("STS-03 trailing separator", List.of("v=STSv1; id=abc;"), "abc"),
                Arguments.of("STS-03 trailing separator and blanks", List.of("v=STSv1; id=abc ;  "), "abc"),
                Arguments.of("STS-02 erratum 6285: blank before ';'", List.of("v=STSv1 ; id=abc"), "abc"),
                Arguments.of("STS-02 erratum 6285: tab before ';'", List.of("v=STSv1\t;\tid=abc"), "abc"),
                Arguments.of("STS-03 id of 32 characters", List.of("v=STSv1; id=" + "a".repeat(32)), "a".repeat(32)),
                Arguments.of("STS-03 id of 1 character", List.of("v=STSv1; id=7"), "7"),
                Arguments.of("STS-03 unknown extension ignored", List.of("v=STSv1; id=abc; ext=foo"), "abc"),
                Arguments.of("STS-03 extension before id", List.of("v=STSv1; x-y.z_1=v@l:ue; id=abc"), "abc"),
                Arguments.of("STS-02 other TXT records discarded",
                        List.of("google-site-verification=xyz", "v=STSv1; id=abc", "v=spf1 -all"), "abc"),
                Arguments.of("STS-02 other-case version is not STS and is discarded",
                        List.of("V=STSv1; id=zzz", "v=STSv1; id=abc"), "abc"),
                Arguments.of("STS-02 version without separator is discarded",
                        List.of("v=STSv1", "v=STSv1; id=abc"), "abc"),
                Arguments.of("STS-02 v=STSv10 is another version, discarded",
                        List.of("v=STSv10; id=zzz", "v=STSv1; id=abc"), "abc"),
                Arguments.of("STS-03 id case preserved", List.of("v=STSv1; id=AbC123"), "AbC123"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usable")
    void usableRecord(String name, List<String> rrset, String id) {
        assertThat(StsRecordParser.parse(rrset))
                .isEqualTo(new StsRecordResult.Found(new StsRecord(id)));
    }

    static Stream<Arguments> absent() {
        return Stream.of(
                Arguments.of("STS-02 empty RRset", List.of(), "no TXT record"),
                Arguments.of("STS-02 only other records", List.of("v=spf1 -all"), "no TXT record starting"),
                Arguments.of("STS-02 two STS records", List.of("v=STSv1; id=a", "v=STSv1; id=b"), "exactly one"),
                Arguments.of("STS-02 two identical STS records", List.of("v=STSv1; id=a", "v=STSv1; id=a"), "exactly one"),
                Arguments.of("STS-02 version is case-sensitive", List.of("v=stsv1; id=abc"), "no TXT record starting"),
                Arguments.of("STS-02 leading blank", List.of(" v=STSv1; id=abc"), "no TXT record starting"),
                Arguments.of("STS-03 id missing", List.of("v=STSv1;"), "id= is missing"),
                Arguments.of("STS-03 only extension", List.of("v=STSv1; foo=bar"), "id= is missing"),
                Arguments.of("STS-03 id empty", List.of("v=STSv1; id="), "1-32"),
                Arguments.of("STS-03 id of 33 characters", List.of("v=STSv1; id=" + "a".repeat(33)), "1-32"),
                Arguments.of("STS-03 id with a hyphen", List.of("v=STSv1; id=2016-08-31"), "1-32"),
                Arguments.of("STS-03 id with non-ASCII", List.of("v=STSv1; id=abcé"), "1-32"),
                Arguments.of("STS-03 two ids", List.of("v=STSv1; id=a; id=b"), "more than one id"),
                Arguments.of("STS-03 id key is case-sensitive", List.of("v=STSv1; ID=abc"), "id= is missing"),
                Arguments.of("STS-03 fields without separator", List.of("v=STSv1; id=abc ext=1"), "expected ';'"),
                Arguments.of("STS-03 empty field", List.of("v=STSv1;; id=abc"), "not name=value"),
                Arguments.of("STS-03 field without '='", List.of("v=STSv1; id=abc; junk"), "not name=value"),
                Arguments.of("STS-03 extension with empty value", List.of("v=STSv1; id=abc; e="), "not a valid extension"),
                Arguments.of("STS-03 extension name starting '_'", List.of("v=STSv1; id=abc; _e=1"), "not a valid extension"),
                Arguments.of("STS-03 extension value with '='", List.of("v=STSv1; id=abc; e=a=b"), "not a valid extension"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("absent")
    void noUsableRecord(String name, List<String> rrset, String reason) {
        StsRecordResult result = StsRecordParser.parse(rrset);
        assertThat(result).isInstanceOf(StsRecordResult.Absent.class);
        assertThat(((StsRecordResult.Absent) result).reason()).contains(reason);
        assertThat(result.found()).isEmpty();
    }

    @Test
    void dnsAnswersMapToRecordOrAbsence_STS01_STS04() {
        assertThat(StsRecordParser.queryName("example.com")).isEqualTo("_mta-sts.example.com");
        assertThat(StsRecordParser.fromDns(new DnsResult.Records<>(List.of("v=STSv1; id=abc"), DnssecStatus.INSECURE,
                "_mta-sts.provider.example", Duration.ofMinutes(5))))
                .isEqualTo(new StsRecordResult.Found(new StsRecord("abc")));
        assertThat(StsRecordParser.fromDns(new DnsResult.NxDomain<>(DnssecStatus.INSECURE, "_mta-sts.example.com")))
                .isEqualTo(new StsRecordResult.Absent("no TXT record at _mta-sts.example.com (NXDOMAIN)"));
        assertThat(StsRecordParser.fromDns(new DnsResult.NoData<>(DnssecStatus.SECURE, "_mta-sts.example.com")))
                .isEqualTo(new StsRecordResult.Absent("no TXT record at _mta-sts.example.com (NODATA)"));
        assertThat(StsRecordParser.fromDns(new DnsResult.Failure<>(DnsResult.FailureKind.SERVFAIL, "upstream")))
                .isEqualTo(new StsRecordResult.Absent("TXT lookup failed: SERVFAIL upstream"));
    }
}
