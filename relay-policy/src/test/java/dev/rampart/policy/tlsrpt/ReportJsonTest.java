package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import dev.rampart.policy.decide.TlsRptResultType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** REP-04, REP-05: the report JSON, checked with an independent parser (Gson), field by field. */
class ReportJsonTest {
    /** The minimal valid report of conformance §9. */
    private static final String MINIMAL = """
            {"organization-name":"Example Relay","date-range":{"start-datetime":"2024-05-01T00:00:00Z","end-datetime":"2024-05-01T23:59:59Z"},
             "contact-info":"tlsrpt@relay.example","report-id":"2024-05-01_example.net@relay.example",
             "policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: *.mail.example.net","max_age: 604800"],
               "policy-domain":"example.net","mx-host":["*.mail.example.net"]},
              "summary":{"total-successful-session-count":10,"total-failure-session-count":1},
              "failure-details":[{"result-type":"certificate-expired","sending-mta-ip":"192.0.2.10",
               "receiving-mx-hostname":"mx1.mail.example.net","receiving-ip":"198.51.100.7","failed-session-count":1}]}]}
            """;

    static TlsRptReport minimalReport() {
        TlsRptPolicy sts = new TlsRptPolicy(TlsRptPolicyType.STS,
                List.of("version: STSv1", "mode: enforce", "mx: *.mail.example.net", "max_age: 604800"),
                "example.net", List.of("*.mail.example.net"));
        FailureDetail expired = new FailureDetail(TlsRptResultType.CERTIFICATE_EXPIRED, "192.0.2.10",
                "mx1.mail.example.net", "", "198.51.100.7", "", "");
        return new TlsRptReport("Example Relay", LocalDate.parse("2024-05-01"), "tlsrpt@relay.example",
                "2024-05-01_example.net@relay.example", "relay.example", "example.net",
                List.of(new PolicySummary(sts, 10, 1, List.of(new PolicySummary.FailureCount(expired, 1)))));
    }

    @Test
    void rep04_rep05_minimalExampleIsReproducedExactly() {
        JsonElement ours = JsonParser.parseString(new String(ReportJson.bytes(minimalReport()), StandardCharsets.UTF_8));
        assertThat(ours).isEqualTo(JsonParser.parseString(MINIMAL));
    }

    @Test
    void rep04_topLevelKeysInOrderAndPoliciesAlwaysAnArray() {
        TlsRptReport empty = minimalReport().withPolicies(List.of());
        JsonObject o = JsonParser.parseString(new String(ReportJson.bytes(empty), StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("organization-name", "date-range", "contact-info", "report-id", "policies");
        assertThat(o.get("policies").isJsonArray()).isTrue();
        assertThat(o.getAsJsonArray("policies")).isEmpty();
    }

    @Test
    void rep05_countsAreIntegersAndOptionalFieldsAreOmittedOrWritten() {
        TlsRptPolicy tlsa = new TlsRptPolicy(TlsRptPolicyType.TLSA, List.of("3 1 1 ABCDEF"), "mx.example.org",
                List.of("mx.example.org"));
        TlsRptPolicy none = new TlsRptPolicy(TlsRptPolicyType.NO_POLICY_FOUND, List.of(), "example.org",
                List.of("mx.example.org"));
        FailureDetail skipped = new FailureDetail(TlsRptResultType.DNSSEC_INVALID, "", "mx.example.org", "", "", "", "");
        FailureDetail alert = new FailureDetail(TlsRptResultType.VALIDATION_FAILURE, "192.0.2.1", "mx.example.org",
                "mx.example.org", "2001:db8::1", "tls-alert-40-handshake_failure", "https://relay.example/why");
        TlsRptReport report = minimalReport().withPolicies(List.of(
                new PolicySummary(tlsa, 3_000_000_000L, 2,
                        List.of(new PolicySummary.FailureCount(skipped, 1), new PolicySummary.FailureCount(alert, 1))),
                new PolicySummary(none, 5, 0, List.of())));
        JsonArray policies = JsonParser.parseString(new String(ReportJson.bytes(report), StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonArray("policies");

        JsonObject first = policies.get(0).getAsJsonObject();
        assertThat(first.getAsJsonObject("policy").get("mx-host").getAsString()).isEqualTo("mx.example.org");
        assertThat(first.getAsJsonObject("summary").get("total-successful-session-count").getAsJsonPrimitive().isNumber()).isTrue();
        assertThat(first.getAsJsonObject("summary").get("total-successful-session-count").getAsLong()).isEqualTo(3_000_000_000L);
        JsonArray details = first.getAsJsonArray("failure-details");
        assertThat(details.get(0).getAsJsonObject().keySet())
                .containsExactly("result-type", "receiving-mx-hostname", "failed-session-count");
        assertThat(details.get(1).getAsJsonObject().keySet()).containsExactly("result-type", "sending-mta-ip",
                "receiving-mx-hostname", "receiving-mx-helo", "receiving-ip", "failed-session-count",
                "additional-information", "failure-reason-code");
        assertThat(details.get(1).getAsJsonObject().get("failed-session-count").getAsJsonPrimitive().isNumber()).isTrue();

        JsonObject second = policies.get(1).getAsJsonObject();
        // RPT-05 [D]: no policy-string for no-policy-found; no failure-details without failures.
        assertThat(second.getAsJsonObject("policy").keySet()).containsExactly("policy-type", "policy-domain", "mx-host");
        assertThat(second.keySet()).containsExactly("policy", "summary");
    }

    @Test
    void prettyAndCompactCarryTheSameContent() {
        TlsRptReport r = minimalReport();
        assertThat(JsonParser.parseString(new String(ReportJson.pretty(r), StandardCharsets.UTF_8)))
                .isEqualTo(JsonParser.parseString(new String(ReportJson.bytes(r), StandardCharsets.UTF_8)));
        assertThat(new String(ReportJson.pretty(r), StandardCharsets.UTF_8)).contains("\n");
    }

    @Test
    void aggregatedDayRoundTripsThroughAnIndependentParser() {
        var records = AggregationFixtures.mixedDay();
        Map<String, List<PolicySummary>> byDomain = ReportAggregator.aggregate(AggregationFixtures.DAY, records);
        TlsRptReport report = minimalReport().withPolicies(byDomain.get("example.net"));
        JsonArray policies = JsonParser.parseString(new String(ReportJson.bytes(report), StandardCharsets.UTF_8))
                .getAsJsonObject().getAsJsonArray("policies");
        long sessionsInJson = 0;
        long failedDetailSessions = 0;
        for (JsonElement p : policies) {
            JsonObject summary = p.getAsJsonObject().getAsJsonObject("summary");
            sessionsInJson += summary.get("total-successful-session-count").getAsLong()
                    + summary.get("total-failure-session-count").getAsLong();
            if (p.getAsJsonObject().has("failure-details")) {
                for (JsonElement d : p.getAsJsonObject().getAsJsonArray("failure-details")) {
                    failedDetailSessions += d.getAsJsonObject().get("failed-session-count").getAsLong();
                }
            }
        }
        assertThat(sessionsInJson).isEqualTo(AggregationFixtures.EXAMPLE_NET_POLICY_SESSIONS);
        assertThat(failedDetailSessions).isEqualTo(AggregationFixtures.EXAMPLE_NET_DETAIL_SESSIONS);
    }
}
