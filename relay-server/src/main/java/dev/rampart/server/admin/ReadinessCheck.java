package dev.rampart.server.admin;

import java.util.Optional;

/**
 * One condition for {@code /readyz}: the relay is ready only when every check passes. Called on an admin
 * HTTP worker thread for each request, so it must be quick and must not block for long; a check that
 * throws counts as failing with the exception's message.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /** Empty when ready; otherwise a short reason such as "queue: spool directory not writable". */
    Optional<String> problem();
}
