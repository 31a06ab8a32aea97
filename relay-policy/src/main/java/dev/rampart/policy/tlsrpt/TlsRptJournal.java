package dev.rampart.policy.tlsrpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The append-only TLS-RPT journal (RPT-11): one file per UTC day ({@code tlsrpt-YYYY-MM-DD.jsonl}), one
 * line per recorded session, written with a single {@code write} so that lines never interleave and a
 * process crash ({@code kill -9}) loses nothing already appended. {@link #sync} forces the files to disk
 * (the relay calls it every second and on shutdown: a power loss costs at most that second of
 * statistics, never mail). Each day's file is bounded by {@code maxBytesPerDay}; sessions beyond it are
 * refused and counted, not written.
 *
 * <p>Reading tolerates a torn last line (a crash in the middle of a write) and any line that does not
 * parse: it is skipped and counted in {@link Day#skippedLines}, never fatal.
 *
 * <p>Thread-safe: appends are serialised on this object. Files of past days are closed as soon as a
 * session of a later day is appended.
 */
public final class TlsRptJournal implements AutoCloseable {
    private static final String PREFIX = "tlsrpt-";
    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final long maxBytesPerDay;
    private LocalDate openDay;
    private FileChannel open;
    private long refused;
    private boolean dirty;

    /** What one day's file holds. */
    public record Day(LocalDate day, List<SessionRecord> records, int skippedLines, List<String> problems) {
        public Day {
            Objects.requireNonNull(day);
            records = List.copyOf(records);
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param directory      created if missing
     * @param maxBytesPerDay at least 1 MiB; a day's file never grows past it
     */
    public TlsRptJournal(Path directory, long maxBytesPerDay) throws IOException {
        if (maxBytesPerDay < (1 << 20)) {
            throw new IllegalArgumentException("maxBytesPerDay must be at least 1 MiB");
        }
        this.directory = Objects.requireNonNull(directory);
        this.maxBytesPerDay = maxBytesPerDay;
        Files.createDirectories(directory);
    }

    /**
     * Appends one session to the file of its UTC day. Returns false when that file is full (the session
     * is counted in {@link #refused} and dropped).
     */
    public synchronized boolean append(SessionRecord record) throws IOException {
        byte[] line = JournalCodec.encode(record);
        LocalDate day = record.day();
        if (openDay != null && day.isBefore(openDay)) {
            // A late session for an earlier day (a clock step back): written and forced through its own channel.
            try (FileChannel late = openAppend(day)) {
                if (!fits(late, line)) {
                    return false;
                }
                write(late, line);
                late.force(false);
                return true;
            }
        }
        if (!day.equals(openDay)) {
            rollTo(day);
        }
        if (!fits(open, line)) {
            return false;
        }
        write(open, line);
        dirty = true;
        return true;
    }

    private boolean fits(FileChannel channel, byte[] line) throws IOException {
        if (channel.size() + line.length > maxBytesPerDay) {
            refused++;
            return false;
        }
        return true;
    }

    private static void write(FileChannel channel, byte[] line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Forces what was appended to disk. */
    public synchronized void sync() throws IOException {
        if (open != null && dirty) {
            open.force(false);
        }
        dirty = false;
    }

    /** Sessions refused since start because their day's file was full. */
    public synchronized long refused() {
        return refused;
    }

    /** The records of one UTC day; an absent file is an empty day. */
    public Day read(LocalDate day) throws IOException {
        List<SessionRecord> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        Path file = fileOf(day);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Day(day, List.of(), 0, List.of());
        }
        int start = 0;
        int lineNo = 0;
        while (start < content.length) {
            int end = indexOf(content, (byte) '\n', start);
            lineNo++;
            if (end < 0) {
                skipped++;
                problems.add("line " + lineNo + ": torn (no end of line), skipped");
                break;
            }
            String line = new String(content, start, end - start, StandardCharsets.UTF_8);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                SessionRecord r = JournalCodec.decode(line);
                if (r.day().equals(day)) {
                    records.add(r);
                } else {
                    skipped++;
                    problems.add("line " + lineNo + ": belongs to " + r.day() + ", skipped");
                }
            } catch (JournalCodec.BadLine e) {
                skipped++;
                problems.add("line " + lineNo + ": " + e.getMessage());
            }
        }
        return new Day(day, records, skipped, problems);
    }

    /** The days that have a journal file, oldest first. */
    public List<LocalDate> days() throws IOException {
        List<LocalDate> days = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return days; // removed under a running relay: nothing to report, nothing to prune
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                dayOf(p.getFileName().toString()).ifPresent(days::add);
            }
        }
        days.sort(null);
        return days;
    }

    /** Deletes one day's file (retention). The open day cannot be deleted. */
    public synchronized boolean delete(LocalDate day) throws IOException {
        if (day.equals(openDay)) {
            return false;
        }
        return Files.deleteIfExists(fileOf(day));
    }

    @Override
    public synchronized void close() throws IOException {
        if (open != null) {
            sync();
            open.close();
            open = null;
            openDay = null;
        }
    }

    private void rollTo(LocalDate day) throws IOException {
        FileChannel channel = openAppend(day);
        if (open != null) {
            sync();
            open.close();
        }
        open = channel;
        openDay = day;
    }

    private FileChannel openAppend(LocalDate day) throws IOException {
        Path file = fileOf(day);
        boolean existed = Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (!existed) {
            forceDirectory();
        }
        return channel;
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; the file's own data is still forced by sync().
        }
    }

    private Path fileOf(LocalDate day) {
        return directory.resolve(PREFIX + day + SUFFIX);
    }

    static Optional<LocalDate> dayOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
