package dev.rampart.queue;

/** Where a committed message is: each state is a directory of the spool, a transition is a rename. */
public enum QueueState { INCOMING, ACTIVE, DEFERRED, HOLD }
