package dev.rampart.queue;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link MessageQueue#recover()} found at start: messages returned from active/ to incoming/,
 * partial tmp files removed, and files moved to corrupt/ with the reason for each.
 */
public record RecoveryReport(int requeuedFromActive, int tmpFilesRemoved, List<Corrupt> corrupt, int messages) {
    public RecoveryReport {
        corrupt = List.copyOf(corrupt);
    }

    public record Corrupt(Path file, String reason) {}
}
