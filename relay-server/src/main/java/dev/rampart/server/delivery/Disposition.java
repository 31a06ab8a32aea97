package dev.rampart.server.delivery;

/** What happens to a recipient after one outcome (design.md step 6). */
public enum Disposition {
    /** The next hop took responsibility (2xx after end of data). */
    DELIVERED,
    /** Try again later (4xx, lost connections, timeouts, anything unrecognised). */
    DEFER,
    /** Permanent failure for this recipient (5xx): a failure notice follows. */
    BOUNCE,
    /**
     * This host cannot be used now; try the next address / MX host (QUE-09). When none is left the
     * status's first digit decides between BOUNCE and DEFER.
     */
    TRY_NEXT_HOST
}
