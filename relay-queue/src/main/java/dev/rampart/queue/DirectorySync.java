package dev.rampart.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a directory's entries durable (fsync of the directory), so a rename or unlink survives a crash.
 * A seam rather than a static call so the group-commit test can count and gate directory flushes and the
 * failure tests can make one fail. Implementations are thread-safe.
 */
interface DirectorySync {
    void sync(Path dir) throws IOException;

    /** The real thing: {@code fsync(2)} on a read-only descriptor of the directory (works on Linux and BSDs). */
    DirectorySync FSYNC = dir -> {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    };
}
