package dev.rampart.server.smtp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts open connections in total and per client address, refusing those over either limit.
 * Thread-safe (connections arrive on several event loops). A permit must be released exactly once,
 * when the connection closes.
 */
final class ConnectionLimiter {
    private final int maxTotal;
    private final int maxPerClient;
    private final Map<InetAddress, Integer> perClient = new HashMap<>();
    private int total;

    ConnectionLimiter(int maxTotal, int maxPerClient) {
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
    }

    /** Takes a permit for {@code client}; false (and nothing taken) when a limit is reached. */
    synchronized boolean tryAcquire(InetAddress client) {
        int mine = perClient.getOrDefault(client, 0);
        if (total >= maxTotal || mine >= maxPerClient) {
            return false;
        }
        total++;
        perClient.put(client, mine + 1);
        return true;
    }

    synchronized void release(InetAddress client) {
        Integer mine = perClient.get(client);
        if (mine == null) {
            throw new IllegalStateException("release without acquire");
        }
        if (mine == 1) {
            perClient.remove(client);
        } else {
            perClient.put(client, mine - 1);
        }
        total--;
    }

    synchronized int open() {
        return total;
    }
}
