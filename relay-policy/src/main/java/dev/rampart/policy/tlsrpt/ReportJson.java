package dev.rampart.policy.tlsrpt;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rampart.policy.decide.TlsRptPolicy;
import dev.rampart.policy.decide.TlsRptPolicyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The report as RFC 8460 §4.4 JSON (REP-04, REP-05), UTF-8, keys in the RFC's order, counts as JSON
 * integers, {@code policies} always an array. Optional fields are left out rather than written empty:
 * {@code policy-string} for {@code no-policy-found} (RPT-05) and for an {@code sts} policy that could not
 * be fetched; {@code mx-host} when unknown; {@code sending-mta-ip} and {@code receiving-ip} for a host
 * skipped before any connection; {@code receiving-mx-helo}, {@code additional-information} and
 * {@code failure-reason-code} when empty. {@code mx-host} is an array of patterns for {@code sts} (the
 * prose of §4.4) and a single host name string for {@code tlsa} and {@code no-policy-found}. Pure.
 */
public final class ReportJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private ReportJson() {}

    /** Compact JSON for sending. */
    public static byte[] bytes(TlsRptReport report) {
        return write(report, false);
    }

    /** Indented JSON for {@code rampart tlsrpt preview}; the same content as {@link #bytes}. */
    public static byte[] pretty(TlsRptReport report) {
        return write(report, true);
    }

    private static byte[] write(TlsRptReport report, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            g.writeStartObject();
            g.writeStringField("organization-name", report.organizationName());
            g.writeObjectFieldStart("date-range");
            g.writeStringField("start-datetime", time(report.start()));
            g.writeStringField("end-datetime", time(report.end()));
            g.writeEndObject();
            g.writeStringField("contact-info", report.contactInfo());
            g.writeStringField("report-id", report.reportId());
            g.writeArrayFieldStart("policies");
            for (PolicySummary p : report.policies()) {
                policy(g, p);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void policy(JsonGenerator g, PolicySummary summary) throws IOException {
        TlsRptPolicy p = summary.policy();
        g.writeStartObject();
        g.writeObjectFieldStart("policy");
        g.writeStringField("policy-type", p.type().wireName());
        if (!p.policyStrings().isEmpty()) {
            g.writeArrayFieldStart("policy-string");
            for (String s : p.policyStrings()) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        g.writeStringField("policy-domain", p.policyDomain());
        if (!p.mxHost().isEmpty()) {
            if (p.type() == TlsRptPolicyType.STS) {
                g.writeArrayFieldStart("mx-host");
                for (String s : p.mxHost()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            } else {
                g.writeStringField("mx-host", p.mxHost().getFirst());
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("summary");
        g.writeNumberField("total-successful-session-count", summary.successfulSessions());
        g.writeNumberField("total-failure-session-count", summary.failedSessions());
        g.writeEndObject();
        if (!summary.failureDetails().isEmpty()) {
            g.writeArrayFieldStart("failure-details");
            for (PolicySummary.FailureCount c : summary.failureDetails()) {
                FailureDetail d = c.detail();
                g.writeStartObject();
                g.writeStringField("result-type", d.resultType().wireName());
                optional(g, "sending-mta-ip", d.sendingMtaIp());
                optional(g, "receiving-mx-hostname", d.receivingMxHostname());
                optional(g, "receiving-mx-helo", d.receivingMxHelo());
                optional(g, "receiving-ip", d.receivingIp());
                g.writeNumberField("failed-session-count", c.sessions());
                optional(g, "additional-information", d.additionalInformation());
                optional(g, "failure-reason-code", d.failureReasonCode());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (!value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    private static String time(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
