package dev.rampart.policy.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * One RFC 8460 report: one report domain, one UTC day (REP-03, REP-04). Immutable.
 *
 * @param reportDomain the domain the report is about and sent to ({@code TLS-Report-Domain}, REP-09)
 * @param reportId     unique, kept across every retry of this report (REP-15)
 * @param submitter    our domain ({@code TLS-Report-Submitter}, the domain of {@code contactInfo}, REP-09)
 */
public record TlsRptReport(String organizationName, LocalDate day, String contactInfo, String reportId,
                           String submitter, String reportDomain, List<PolicySummary> policies) {
    public TlsRptReport {
        Objects.requireNonNull(organizationName);
        Objects.requireNonNull(day);
        Objects.requireNonNull(contactInfo);
        Objects.requireNonNull(reportId);
        Objects.requireNonNull(submitter);
        Objects.requireNonNull(reportDomain);
        policies = List.copyOf(policies);
    }

    /** REP-04: {@code 00:00:00Z} of the day. */
    public Instant start() {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** REP-04: {@code 23:59:59Z} of the day. */
    public Instant end() {
        return start().plusSeconds(86_399);
    }

    public TlsRptReport withPolicies(List<PolicySummary> replaced) {
        return new TlsRptReport(organizationName, day, contactInfo, reportId, submitter, reportDomain, replaced);
    }

    /** Sessions in the report, successes plus failures over all policies. */
    public long sessions() {
        return policies.stream().mapToLong(p -> p.successfulSessions() + p.failedSessions()).sum();
    }
}
