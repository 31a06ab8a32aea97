package dev.rampart.queue;

/**
 * One value of the DSN {@code NOTIFY=} parameter (RFC 3461 §4.1). A recipient's set is empty when the
 * client sent no NOTIFY (defaults apply: FAILURE,DELAY), or holds exactly {NEVER}.
 */
public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }
