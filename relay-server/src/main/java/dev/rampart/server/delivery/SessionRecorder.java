package dev.rampart.server.delivery;

import dev.rampart.policy.tlsrpt.SessionRecord;

/**
 * Where delivery hands each session's TLS-RPT record (RPT-01): the TLS-RPT journal in the relay. Must not
 * block for long and must never throw; a recording problem is the recorder's to log, never a delivery
 * failure. Thread-safe.
 */
@FunctionalInterface
public interface SessionRecorder {
    void record(SessionRecord record);

    /** Records nothing (tests and tools that do not report). */
    SessionRecorder NONE = record -> { };
}
