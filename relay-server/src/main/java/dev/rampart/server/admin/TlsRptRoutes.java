package dev.rampart.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rampart.policy.dns.DomainNames;
import dev.rampart.policy.tlsrpt.ReportJson;
import dev.rampart.policy.tlsrpt.TlsRptRecord;
import dev.rampart.server.tlsrpt.TlsRptReporter;
import dev.rampart.server.tlsrpt.TlsRptService;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS-RPT on the admin API, what {@code rampart tlsrpt preview|send} talks to:
 * <ul>
 *   <li>{@code GET /api/tlsrpt/preview?date=YYYY-MM-DD[&domain=D]}: the reports of that UTC day built from
 *       the journal, each with its {@code _smtp._tls} lookup, the file name and the report JSON exactly as
 *       it would be sent (acceptance: the preview equals what is sent); nothing is written;</li>
 *   <li>{@code POST /api/tlsrpt/send?date=YYYY-MM-DD[&domain=D]}: builds and sends them now; the summary.</li>
 * </ul>
 * 409 when no report can be built ({@code tlsrpt.contact-info} unset), 400 for a bad date or domain.
 * Blocking (DNS, disk, HTTPS); the admin server runs it on a worker thread. Thread-safe.
 */
final class TlsRptRoutes {
    static final String PREFIX = "/api/tlsrpt/";

    private final TlsRptService service;

    TlsRptRoutes(TlsRptService service) {
        this.service = Objects.requireNonNull(service);
    }

    AdminReply handle(String method, String action, Map<String, String> query) throws IOException {
        try {
            return handleBlocking(method, action, query);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminReply.error(503, "interrupted");
        }
    }

    private AdminReply handleBlocking(String method, String action, Map<String, String> query)
            throws IOException, InterruptedException {
        boolean preview = action.equals("preview");
        if (!preview && !action.equals("send")) {
            return AdminReply.error(404, "no such resource: " + PREFIX + action);
        }
        if (preview && !method.equals("GET")) {
            return AdminReply.methodNotAllowed("GET");
        }
        if (!preview && !method.equals("POST")) {
            return AdminReply.methodNotAllowed("POST");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(query.getOrDefault("date", ""));
        } catch (DateTimeParseException e) {
            return AdminReply.error(400, "date must be YYYY-MM-DD, got '" + query.getOrDefault("date", "") + "'");
        }
        Optional<String> domain = Optional.empty();
        if (query.containsKey("domain")) {
            domain = DomainNames.normalize(query.get("domain"));
            if (domain.isEmpty()) {
                return AdminReply.error(400, "not a domain: '" + query.get("domain") + "'");
            }
        }
        Optional<TlsRptReporter> reporter = service.reporter();
        if (reporter.isEmpty()) {
            return AdminReply.error(409, "TLS-RPT reports cannot be built: set tlsrpt.contact-info"
                    + " (sessions are recorded all the same)");
        }
        if (preview) {
            ObjectNode out = QueueJson.MAPPER.createObjectNode();
            out.put("date", date.toString());
            ArrayNode reports = out.putArray("reports");
            for (TlsRptReporter.Prepared p : reporter.get().prepare(date, domain)) {
                ObjectNode r = reports.addObject();
                r.put("domain", p.report().reportDomain());
                r.put("report_id", p.report().reportId());
                r.put("file_name", p.file().name());
                r.put("sessions", p.report().sessions());
                ArrayNode rua = r.putArray("rua");
                switch (p.record()) {
                    case TlsRptRecord.Found f -> {
                        r.put("will_send", true);
                        f.rua().forEach(d -> rua.add(d.uri()));
                    }
                    case TlsRptRecord.Absent a -> {
                        r.put("will_send", false);
                        r.put("why_not", a.reason());
                    }
                }
                JsonNode json = QueueJson.MAPPER.readTree(ReportJson.bytes(p.report()));
                r.set("report", json);
            }
            return AdminReply.json(200, out);
        }
        TlsRptReporter.SendSummary s = reporter.get().send(date, domain);
        ObjectNode out = QueueJson.MAPPER.createObjectNode();
        out.put("date", s.day().toString());
        out.put("reports", s.reports());
        out.put("destinations", s.destinations());
        out.put("delivered", s.delivered());
        out.put("pending", s.pending());
        out.put("without_record", s.skipped());
        return AdminReply.json(200, out);
    }
}
