package dev.rampart.policy.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A report as a file (RFC 8460 §5.1, §5.2): gzipped JSON (REP-07), named
 * {@code <submitter>!<report domain>!<begin epoch>!<end epoch>!<unique>.json.gz}, and never over the size
 * limit: when the compressed report would exceed it, the failure details with the lowest session counts
 * are dropped first until it fits (REP-17); the summaries keep their counts. Pure.
 *
 * @param name    the file name, A-labels only
 * @param gzipped the compressed JSON
 * @param report  the report as sent (after any trimming), for logs and the JSON it was made of
 */
public record ReportFile(String name, byte[] gzipped, TlsRptReport report) {
    /** REP-17 [D]: 10 MB. */
    public static final int MAX_COMPRESSED = 10 * 1000 * 1000;

    /** {@code unique}: letters and digits only (the RFC's optional unique-id part). */
    public static ReportFile of(TlsRptReport report, String unique, int maxCompressed) {
        if (!unique.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("the unique part of a report file name is alphanumeric: " + unique);
        }
        String name = report.submitter() + "!" + report.reportDomain() + "!" + report.start().getEpochSecond() + "!"
                + report.end().getEpochSecond() + "!" + unique + ".json.gz";
        TlsRptReport fitted = report;
        byte[] gz = gzip(ReportJson.bytes(fitted));
        while (gz.length > maxCompressed) {
            TlsRptReport smaller = dropLowest(fitted);
            if (smaller == fitted) {
                break; // nothing left to drop; the summaries alone are what they are
            }
            fitted = smaller;
            gz = gzip(ReportJson.bytes(fitted));
        }
        return new ReportFile(name, gz, fitted);
    }

    /** Drops about a tenth of the failure details (at least one), lowest session counts first. */
    static TlsRptReport dropLowest(TlsRptReport report) {
        record Ref(int policy, int detail, long sessions) {}
        List<Ref> all = new ArrayList<>();
        for (int i = 0; i < report.policies().size(); i++) {
            List<PolicySummary.FailureCount> details = report.policies().get(i).failureDetails();
            for (int j = 0; j < details.size(); j++) {
                all.add(new Ref(i, j, details.get(j).sessions()));
            }
        }
        if (all.isEmpty()) {
            return report;
        }
        all.sort(Comparator.comparingLong(Ref::sessions));
        int drop = Math.max(1, all.size() / 10);
        java.util.Set<Long> dropped = new java.util.HashSet<>();
        for (Ref r : all.subList(0, drop)) {
            dropped.add(((long) r.policy() << 32) | r.detail());
        }
        List<PolicySummary> policies = new ArrayList<>();
        for (int i = 0; i < report.policies().size(); i++) {
            PolicySummary p = report.policies().get(i);
            List<PolicySummary.FailureCount> kept = new ArrayList<>();
            for (int j = 0; j < p.failureDetails().size(); j++) {
                if (!dropped.contains(((long) i << 32) | j)) {
                    kept.add(p.failureDetails().get(j));
                }
            }
            policies.add(new PolicySummary(p.policy(), p.successfulSessions(), p.failedSessions(), kept));
        }
        return report.withPolicies(policies);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
