/**
 * TLS-RPT (RFC 8460): what one delivery session contributes ({@link dev.rampart.policy.tlsrpt.SessionRecord},
 * RPT-01..RPT-07), the append-only daily journal that keeps those records across restarts and crashes
 * ({@link dev.rampart.policy.tlsrpt.TlsRptJournal}, RPT-11), the daily aggregation per report domain
 * ({@link dev.rampart.policy.tlsrpt.ReportAggregator}, REP-03, REP-06), the report JSON
 * ({@link dev.rampart.policy.tlsrpt.ReportJson}, REP-04, REP-05), its file name and compression
 * ({@link dev.rampart.policy.tlsrpt.ReportFile}, REP-07, REP-17) and the {@code _smtp._tls} record parser
 * ({@link dev.rampart.policy.tlsrpt.TlsRptRecordParser}, REP-01). Only the journal does I/O.
 */
package dev.rampart.policy.tlsrpt;
