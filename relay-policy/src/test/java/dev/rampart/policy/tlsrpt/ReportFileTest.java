package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.rampart.policy.decide.TlsRptResultType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** REP-07, REP-16, REP-17: file name, gzip, size limit. */
class ReportFileTest {

    @Test
    void rep07_nameAndGzippedJsonAgreeWithTheReport() throws IOException {
        TlsRptReport report = ReportJsonTest.minimalReport();
        ReportFile file = ReportFile.of(report, "abc123", ReportFile.MAX_COMPRESSED);
        assertThat(file.name()).isEqualTo("relay.example!example.net!1714521600!1714607999!abc123.json.gz");
        String json = gunzip(file.gzipped());
        assertThat(JsonParser.parseString(json)).isEqualTo(JsonParser.parseString(
                new String(ReportJson.bytes(report), StandardCharsets.UTF_8)));
        assertThat(file.report()).isEqualTo(report);
    }

    @Test
    void rep07_uniquePartIsAlphanumeric() {
        assertThatThrownBy(() -> ReportFile.of(ReportJsonTest.minimalReport(), "a!b", ReportFile.MAX_COMPRESSED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rep17_lowestCountDetailsAreDroppedFirstAndSummariesKept() throws IOException {
        List<PolicySummary.FailureCount> details = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            // Distinct, poorly compressible details; the ones with a high count must survive.
            FailureDetail d = new FailureDetail(TlsRptResultType.VALIDATION_FAILURE, "198.51.100.1",
                    "mx" + i + ".example.net", "", "192.0.2." + (i % 250), "code-" + Integer.toHexString(i * 7919), "");
            details.add(new PolicySummary.FailureCount(d, i < 10 ? 1000 + i : 1 + (i % 5)));
        }
        PolicySummary big = new PolicySummary(AggregationFixtures.STS, 5, 50_000, details);
        TlsRptReport report = ReportJsonTest.minimalReport().withPolicies(List.of(big));
        int full = ReportFile.of(report, "x", ReportFile.MAX_COMPRESSED).gzipped().length;
        int limit = full / 2;

        ReportFile fitted = ReportFile.of(report, "x", limit);
        assertThat(fitted.gzipped().length).isLessThanOrEqualTo(limit);
        PolicySummary kept = fitted.report().policies().getFirst();
        assertThat(kept.failedSessions()).isEqualTo(50_000);
        assertThat(kept.successfulSessions()).isEqualTo(5);
        assertThat(kept.failureDetails()).hasSizeLessThan(4000)
                .extracting(PolicySummary.FailureCount::sessions).contains(1000L, 1009L);
        long minKept = kept.failureDetails().stream().mapToLong(PolicySummary.FailureCount::sessions).min().orElseThrow();
        long maxDropped = details.stream().filter(d -> !kept.failureDetails().contains(d))
                .mapToLong(PolicySummary.FailureCount::sessions).max().orElseThrow();
        assertThat(maxDropped).isLessThanOrEqualTo(minKept);
    }

    static String gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
