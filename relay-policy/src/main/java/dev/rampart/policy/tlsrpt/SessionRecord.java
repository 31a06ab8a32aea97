package dev.rampart.policy.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The TLS-RPT outcome of one delivery session (RPT-01, RPT-02): when it ended, the report domain (the
 * next-hop domain whose {@code _smtp._tls} record receives it) and one {@link PolicyResult} per policy the
 * session was judged under. Immutable; the unit of the journal.
 *
 * @param at           end of the session; its UTC day decides the report (REP-03)
 * @param reportDomain next-hop domain, A-label form (RPT-12)
 */
public record SessionRecord(Instant at, String reportDomain, List<PolicyResult> results) {
    public SessionRecord {
        Objects.requireNonNull(at);
        Objects.requireNonNull(reportDomain);
        results = List.copyOf(results);
        if (results.isEmpty()) {
            throw new IllegalArgumentException("a recorded session has at least one policy result");
        }
    }

    public LocalDate day() {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }
}
