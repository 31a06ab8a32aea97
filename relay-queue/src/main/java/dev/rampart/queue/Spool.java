package dev.rampart.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The spool directory tree: one sub-directory per state plus {@code tmp/} (being written) and
 * {@code corrupt/} (quarantine). Knows where a message of a given state lives and how to move it: an
 * atomic rename, then a flush of the directories whose entries must survive a crash. Thread-safe
 * (stateless apart from the paths); callers serialise moves of the same message.
 */
final class Spool {
    static final String TMP = "tmp";
    static final String CORRUPT = "corrupt";

    private final Path root;
    private final DirectorySync dirSync;

    Spool(Path root, DirectorySync dirSync) {
        this.root = root;
        this.dirSync = dirSync;
    }

    /** Creates missing directories and makes their existence durable. */
    void createDirectories() throws IOException {
        Files.createDirectories(root);
        boolean created = false;
        for (String name : new String[] {TMP, CORRUPT, "incoming", "active", "deferred", "hold"}) {
            Path d = root.resolve(name);
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d);
                created = true;
            }
        }
        if (created) {
            dirSync.sync(root);
        }
    }

    Path root() {
        return root;
    }

    Path dir(QueueState state) {
        return root.resolve(dirName(state));
    }

    static String dirName(QueueState state) {
        return switch (state) {
            case INCOMING -> "incoming";
            case ACTIVE -> "active";
            case DEFERRED -> "deferred";
            case HOLD -> "hold";
        };
    }

    Path tmpDir() {
        return root.resolve(TMP);
    }

    Path corruptDir() {
        return root.resolve(CORRUPT);
    }

    Path file(QueueState state, QueueId id) {
        return dir(state).resolve(id.value());
    }

    Path tmpFile(QueueId id) {
        return tmpDir().resolve(id.value());
    }

    void sync(Path dir) throws IOException {
        dirSync.sync(dir);
    }

    /** Renames without flushing; the caller flushes the target directory (possibly once for a batch). */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Moves a file into quarantine under a name that keeps where it came from ({@code deferred.<name>}),
     * never overwriting an earlier quarantined file. Returns the new path; does not flush.
     */
    Path quarantine(Path file) throws IOException {
        String base = file.getParent().getFileName() + "." + file.getFileName();
        Path target = corruptDir().resolve(base);
        for (int i = 1; ; i++) {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // Only recovery quarantines, single-threaded, so nothing races this check.
                rename(file, target);
                return target;
            }
            target = corruptDir().resolve(base + "." + i);
        }
    }
}
