package dev.rampart.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * In-memory map of where every committed message is and when it is due, so that {@code claimDue} and
 * {@code nextDue} cost O(log n) per message instead of a directory scan. It is a cache of the spool: built
 * by recovery from the directories (deferred due time = file modification time) and kept in step by the
 * queue's own moves; the directories stay the truth after a restart.
 *
 * <p>Ordering for scheduling is by due time, then by id (creation time): INCOMING messages are due at
 * their arrival, DEFERRED ones at their next attempt, so the message that has waited longest goes first.
 * Not thread-safe: {@link DiskQueue} guards it with its lock.
 */
final class SpoolIndex {
    record Slot(QueueId id, QueueState state, Instant due) {}

    private static final Comparator<Slot> BY_DUE = Comparator.comparing(Slot::due).thenComparing(Slot::id);

    private final Map<QueueId, Slot> slots = new HashMap<>();
    private final NavigableSet<Slot> schedulable = new TreeSet<>(BY_DUE);
    private final NavigableSet<Slot> deferred = new TreeSet<>(BY_DUE);

    Optional<Slot> get(QueueId id) {
        return Optional.ofNullable(slots.get(id));
    }

    void put(QueueId id, QueueState state, Instant due) {
        remove(id);
        Slot slot = new Slot(id, state, due);
        slots.put(id, slot);
        switch (state) {
            case INCOMING -> schedulable.add(slot);
            case DEFERRED -> {
                schedulable.add(slot);
                deferred.add(slot);
            }
            case ACTIVE, HOLD -> { }
        }
    }

    void remove(QueueId id) {
        Slot old = slots.remove(id);
        if (old != null) {
            schedulable.remove(old);
            deferred.remove(old);
        }
    }

    /** Up to {@code max} INCOMING/DEFERRED slots due at {@code now}, earliest first; does not change them. */
    List<Slot> due(Instant now, int max) {
        List<Slot> out = new ArrayList<>(Math.min(max, 1024));
        for (Slot s : schedulable) {
            if (out.size() >= max || s.due().isAfter(now)) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    Optional<Instant> nextDeferredDue() {
        return deferred.isEmpty() ? Optional.empty() : Optional.of(deferred.first().due());
    }

    List<Slot> inState(QueueState state) {
        return slots.values().stream().filter(s -> s.state() == state).toList();
    }

    Map<QueueState, Integer> counts() {
        Map<QueueState, Integer> out = new java.util.EnumMap<>(QueueState.class);
        for (QueueState s : QueueState.values()) {
            out.put(s, 0);
        }
        slots.values().forEach(s -> out.merge(s.state(), 1, Integer::sum));
        return out;
    }

    /** Every slot, ordered by id (creation time). */
    List<Slot> all() {
        return slots.values().stream().sorted(Comparator.comparing(Slot::id)).toList();
    }

    int size() {
        return slots.size();
    }
}
