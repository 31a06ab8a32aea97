package dev.rampart.queue;

import java.io.IOException;

/**
 * A queue file that does not follow {@link QueueFileFormat}: bad magic, missing end record, checksum
 * mismatch, impossible lengths. The message is the reason recorded when the file is quarantined.
 */
final class CorruptQueueFileException extends IOException {
    CorruptQueueFileException(String reason) {
        super(reason);
    }
}
