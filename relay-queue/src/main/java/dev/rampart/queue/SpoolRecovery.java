package dev.rampart.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Start-up recovery (QUE-02): brings the spool back to a state the queue can trust after any crash and
 * rebuilds the {@link SpoolIndex} from the directories.
 *
 * <ol>
 *   <li>{@code tmp/} is emptied: nothing there was ever acknowledged to a client.</li>
 *   <li>{@code active/} goes back to {@code incoming/}: those deliveries were interrupted and are retried
 *       (a duplicate is acceptable, a loss is not).</li>
 *   <li>Every file in {@code incoming/}, {@code deferred/} and {@code hold/} is fully verified (structure,
 *       end record, body checksum). A file that fails, whose name is not a queue id, that is not a regular
 *       file, or whose id already appeared in another directory is moved to {@code corrupt/} and reported
 *       with its reason: quarantined for an operator, never silently dropped.</li>
 * </ol>
 *
 * Single-threaded; runs before the queue accepts any other call.
 */
final class SpoolRecovery {
    private final Spool spool;
    private final SpoolIndex index;
    private final List<RecoveryReport.Corrupt> corrupt = new ArrayList<>();
    private final Set<Path> touched = new LinkedHashSet<>();

    SpoolRecovery(Spool spool, SpoolIndex index) {
        this.spool = spool;
        this.index = index;
    }

    RecoveryReport run() throws IOException {
        int tmpRemoved = clearTmp();
        int requeued = requeueActive();
        for (QueueState state : new QueueState[] {QueueState.INCOMING, QueueState.DEFERRED, QueueState.HOLD}) {
            load(state);
        }
        if (!corrupt.isEmpty()) {
            touched.add(spool.corruptDir());
        }
        for (Path dir : touched) {
            spool.sync(dir);
        }
        return new RecoveryReport(requeued, tmpRemoved, corrupt, index.size());
    }

    private int clearTmp() throws IOException {
        int removed = 0;
        for (Path p : entries(spool.tmpDir())) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                Files.delete(p);
                removed++;
            } else {
                quarantine(p, "not a regular file");
            }
        }
        if (removed > 0) {
            touched.add(spool.tmpDir());
        }
        return removed;
    }

    private int requeueActive() throws IOException {
        int requeued = 0;
        Path active = spool.dir(QueueState.ACTIVE);
        for (Path p : entries(active)) {
            String name = p.getFileName().toString();
            if (!QueueId.isValid(name)) {
                quarantine(p, "file name is not a queue id");
            } else if (Files.exists(spool.file(QueueState.INCOMING, new QueueId(name)), LinkOption.NOFOLLOW_LINKS)) {
                quarantine(p, "duplicate: incoming/" + name + " also exists");
            } else {
                Spool.rename(p, spool.file(QueueState.INCOMING, new QueueId(name)));
                requeued++;
            }
        }
        if (requeued > 0) {
            touched.add(active);
            touched.add(spool.dir(QueueState.INCOMING));
        }
        return requeued;
    }

    private void load(QueueState state) throws IOException {
        for (Path p : entries(spool.dir(state))) {
            String name = p.getFileName().toString();
            if (!QueueId.isValid(name)) {
                quarantine(p, "file name is not a queue id");
                continue;
            }
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                quarantine(p, "not a regular file");
                continue;
            }
            QueueId id = new QueueId(name);
            if (index.get(id).isPresent()) {
                quarantine(p, "duplicate: " + Spool.dirName(index.get(id).get().state()) + "/" + name
                        + " already holds this id");
                continue;
            }
            QueueFileReader.Parsed parsed;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                parsed = QueueFileReader.read(id, ch, true);
            } catch (CorruptQueueFileException e) {
                quarantine(p, e.getMessage());
                continue;
            }
            Instant due = switch (state) {
                case INCOMING, ACTIVE -> parsed.envelope().arrival();
                case DEFERRED, HOLD -> Files.getLastModifiedTime(p).toInstant();
            };
            index.put(id, state, due);
        }
    }

    private void quarantine(Path p, String reason) throws IOException {
        touched.add(p.getParent());
        corrupt.add(new RecoveryReport.Corrupt(spool.quarantine(p), reason));
    }

    private static List<Path> entries(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(out::add);
        }
        out.sort(null);
        return out;
    }
}
