package dev.rampart.server.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable list of reports still to deliver (REP-15), one JSON file per {@link PendingReport}, written
 * to a temporary file, forced and renamed into place, so a crash leaves either the old or the new state.
 * Also remembers which days have been reported ({@link #markDayDone}), so that a restart does not send a
 * day twice. A file that cannot be read is moved aside with a {@code .bad} suffix and logged, never fatal.
 * Thread-safe (each call works on whole files; callers serialise work on one key).
 */
public final class ReportOutbox {
    private static final Logger log = LoggerFactory.getLogger(ReportOutbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path pending;
    private final Path done;

    public ReportOutbox(Path directory) throws IOException {
        this.pending = directory.resolve("outbox");
        this.done = directory.resolve("done");
        Files.createDirectories(pending);
        Files.createDirectories(done);
    }

    public void put(PendingReport report) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", 1);
        n.put("key", report.key());
        n.put("report_id", report.reportId());
        n.put("report_domain", report.reportDomain());
        n.put("day", report.day().toString());
        n.put("destination", report.destination());
        n.put("file_name", report.fileName());
        n.put("gzip_base64", Base64.getEncoder().encodeToString(report.gzipped()));
        n.put("first_attempt", report.firstAttempt().toString());
        n.put("attempts", report.attempts());
        n.put("next_attempt", report.nextAttempt().toString());
        n.put("last_error", report.lastError());
        writeAtomically(pending.resolve(report.key() + ".json"), JSON.writeValueAsBytes(n));
    }

    public void remove(PendingReport report) throws IOException {
        Files.deleteIfExists(pending.resolve(report.key() + ".json"));
    }

    /** Everything pending, soonest first. */
    public List<PendingReport> all() throws IOException {
        List<PendingReport> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(pending)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".json")) {
                    continue;
                }
                try {
                    out.add(read(JSON.readTree(Files.readAllBytes(p))));
                } catch (IOException | RuntimeException e) {
                    log.warn("TLS-RPT outbox file {} is unreadable ({}); moved aside", name, e.getMessage());
                    Files.move(p, p.resolveSibling(name + ".bad"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        out.sort(Comparator.comparing(PendingReport::nextAttempt));
        return out;
    }

    /** The pending delivery with this key, if any. */
    public java.util.Optional<PendingReport> get(String key) throws IOException {
        return all().stream().filter(r -> r.key().equals(key)).findFirst();
    }

    /** Those due at {@code now}. */
    public List<PendingReport> due(Instant now) throws IOException {
        return all().stream().filter(r -> !r.nextAttempt().isAfter(now)).toList();
    }

    public boolean dayDone(LocalDate day) {
        return Files.exists(done.resolve(day.toString()));
    }

    public void markDayDone(LocalDate day) throws IOException {
        writeAtomically(done.resolve(day.toString()), new byte[0]);
    }

    private static PendingReport read(JsonNode n) throws IOException {
        if (n.path("v").asInt() != 1) {
            throw new IOException("unknown outbox format " + n.path("v"));
        }
        return new PendingReport(text(n, "key"), text(n, "report_id"), text(n, "report_domain"),
                LocalDate.parse(text(n, "day")), text(n, "destination"), text(n, "file_name"),
                Base64.getDecoder().decode(text(n, "gzip_base64")), Instant.parse(text(n, "first_attempt")),
                n.path("attempts").asInt(), Instant.parse(text(n, "next_attempt")), text(n, "last_error"));
    }

    private static String text(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("missing field " + field);
        }
        return v.asText();
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened; the file itself is forced
        }
    }
}
