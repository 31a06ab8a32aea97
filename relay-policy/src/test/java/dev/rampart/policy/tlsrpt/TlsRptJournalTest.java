package dev.rampart.policy.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RPT-11: append-only, one file per UTC day, survives restarts, torn lines skipped and counted, bounded. */
class TlsRptJournalTest {
    private static final long MIB = 1 << 20;
    @TempDir
    Path dir;

    @Test
    void rpt11_recordsRoundTripAndSurviveAReopen() throws IOException {
        List<SessionRecord> day = AggregationFixtures.mixedDay();
        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            for (SessionRecord r : day.subList(0, 5)) {
                assertThat(journal.append(r)).isTrue();
            }
        }
        try (TlsRptJournal reopened = new TlsRptJournal(dir, MIB)) {
            for (SessionRecord r : day.subList(5, day.size())) {
                reopened.append(r);
            }
            TlsRptJournal.Day read = reopened.read(AggregationFixtures.DAY);
            List<SessionRecord> expected = day.stream().filter(r -> r.day().equals(AggregationFixtures.DAY)).toList();
            assertThat(read.records()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(read.skippedLines()).isZero();
            assertThat(reopened.days()).containsExactly(LocalDate.parse("2026-11-20"), AggregationFixtures.DAY,
                    LocalDate.parse("2026-11-22"));
        }
    }

    @Test
    void rpt11_oneFilePerUtcDay() throws IOException {
        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            AggregationFixtures.mixedDay().forEach(r -> append(journal, r));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "tlsrpt-2026-11-20.jsonl", "tlsrpt-2026-11-21.jsonl", "tlsrpt-2026-11-22.jsonl");
        }
    }

    @Test
    void rpt11_tornLastLineAndGarbageAreSkippedAndCounted() throws IOException {
        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            AggregationFixtures.mixedDay().subList(0, 3).forEach(r -> append(journal, r));
        }
        Path file = dir.resolve("tlsrpt-2026-11-21.jsonl");
        Files.writeString(file, "not json at all\n{\"v\":99}\n", StandardOpenOption.APPEND);
        byte[] good = JournalCodec.encode(AggregationFixtures.mixedDay().get(3));
        Files.write(file, java.util.Arrays.copyOf(good, good.length / 2), StandardOpenOption.APPEND);

        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            TlsRptJournal.Day read = journal.read(AggregationFixtures.DAY);
            assertThat(read.records()).hasSize(3);
            assertThat(read.skippedLines()).isEqualTo(3);
            assertThat(read.problems()).anyMatch(p -> p.contains("torn")).anyMatch(p -> p.contains("version"));
        }
    }

    @Test
    void rpt11_aDayFileNeverGrowsPastItsBound() throws IOException {
        SessionRecord one = AggregationFixtures.mixedDay().getFirst();
        int lineLength = JournalCodec.encode(one).length;
        int written = 0;
        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            while (journal.append(one)) {
                written++;
            }
            assertThat(journal.append(one)).isFalse();
            assertThat(journal.refused()).isEqualTo(2);
        }
        assertThat(written).isEqualTo((int) (MIB / lineLength));
        assertThat(Files.size(dir.resolve("tlsrpt-2026-11-21.jsonl"))).isLessThanOrEqualTo(MIB);
    }

    @Test
    void concurrentAppendsNeverInterleave() throws Exception {
        SessionRecord one = AggregationFixtures.mixedDay().get(5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (TlsRptJournal journal = new TlsRptJournal(dir, 64 * MIB)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    for (int j = 0; j < 250; j++) {
                        append(journal, one);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            journal.sync();
            TlsRptJournal.Day read = journal.read(AggregationFixtures.DAY);
            assertThat(read.records()).hasSize(2000);
            assertThat(read.skippedLines()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMissingDayIsEmpty() throws IOException {
        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            assertThat(journal.read(LocalDate.parse("2020-01-01")).records()).isEmpty();
        }
    }

    @Test
    void linesAreUtf8WithOneRecordEach() throws IOException {
        try (TlsRptJournal journal = new TlsRptJournal(dir, MIB)) {
            append(journal, AggregationFixtures.mixedDay().get(6));
        }
        List<String> lines = Files.readAllLines(dir.resolve("tlsrpt-2026-11-21.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("{\"v\":1,").contains("\"type\":\"tlsa\"").contains("all-unusable");
    }

    private static void append(TlsRptJournal journal, SessionRecord r) {
        try {
            journal.append(r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
