package dev.rampart.policy.tlsrpt;

import dev.rampart.policy.decide.TlsRptPolicy;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One UTC day of {@link SessionRecord}s, aggregated per report domain (REP-03, REP-06): policies are merged
 * when type, strings, policy domain and mx-host are equal; failure details when every field is equal,
 * summing their session counts. Each session adds exactly one to its policy's success or failure count
 * however many details it has, and a detail repeated within one session counts that session once
 * (RPT-07). Records of other days are ignored. Output order is deterministic (domains sorted, policies and
 * details in order of first appearance in time order), so the preview and the report sent later agree
 * (acceptance: {@code tlsrpt preview} shows the JSON that is sent). Pure and thread-safe.
 */
public final class ReportAggregator {
    private ReportAggregator() {}

    /** Report domain → its policies, for {@code day}. */
    public static Map<String, List<PolicySummary>> aggregate(LocalDate day, Collection<SessionRecord> records) {
        List<SessionRecord> ordered = records.stream().filter(r -> r.day().equals(day))
                .sorted(Comparator.comparing(SessionRecord::at)).toList();
        Map<String, Map<TlsRptPolicy, Counts>> byDomain = new TreeMap<>();
        for (SessionRecord record : ordered) {
            Map<TlsRptPolicy, Counts> policies = byDomain.computeIfAbsent(record.reportDomain(), d -> new LinkedHashMap<>());
            for (PolicyResult result : record.results()) {
                Counts counts = policies.computeIfAbsent(result.policy(), p -> new Counts());
                if (result.successful()) {
                    counts.successes++;
                } else {
                    counts.failures++;
                    Set<FailureDetail> once = new LinkedHashSet<>(result.failures());
                    for (FailureDetail d : once) {
                        counts.details.merge(d, 1L, Long::sum);
                    }
                }
            }
        }
        Map<String, List<PolicySummary>> out = new LinkedHashMap<>();
        byDomain.forEach((domain, policies) -> {
            List<PolicySummary> summaries = new ArrayList<>();
            policies.forEach((policy, c) -> summaries.add(new PolicySummary(policy, c.successes, c.failures,
                    c.details.entrySet().stream().map(e -> new PolicySummary.FailureCount(e.getKey(), e.getValue())).toList())));
            out.put(domain, List.copyOf(summaries));
        });
        return out;
    }

    private static final class Counts {
        long successes;
        long failures;
        final Map<FailureDetail, Long> details = new LinkedHashMap<>();
    }
}
