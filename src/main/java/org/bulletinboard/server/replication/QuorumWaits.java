package org.bulletinboard.server.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writes waiting for their peers' acknowledgements, and the decisions about them: a write is acknowledged once
 * {@code needed} distinct peers have acknowledged it, and given up (its outcome unknown to its client) once it has
 * waited the timeout. Pure: no sockets, no clock of its own; the caller passes the time in.
 */
final class QuorumWaits {
    /** A write waiting: since when, and which peers acknowledged it so far. */
    private record Waiting(long sinceNanos, Set<String> acks) {}

    private final int needed;
    private final long timeoutNanos;
    /** By event id, oldest first: the head is the first to time out. */
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();

    /** @param needed distinct peers whose acknowledgements complete a write; 0 completes it at once */
    QuorumWaits(int needed, long timeoutNanos) {
        this.needed = needed;
        this.timeoutNanos = timeoutNanos;
    }

    /** How many distinct peers complete a write. */
    int needed() {
        return needed;
    }

    /** Whether a write needs any acknowledgement at all (a lone server's do not). */
    boolean waits() {
        return needed > 0;
    }

    void add(String id, long nowNanos) {
        waiting.put(id, new Waiting(nowNanos, new HashSet<>()));
    }

    /**
     * Records {@code peer}'s acknowledgement of {@code id}; returns how long the write waited if this completes it
     * (it is then forgotten), or -1.
     */
    long acknowledge(String id, String peer, long nowNanos) {
        Waiting write = waiting.get(id);
        if (write == null || !write.acks().add(peer) || write.acks().size() < needed) {
            return -1;
        }
        waiting.remove(id);
        return nowNanos - write.sinceNanos();
    }

    /** The writes that have waited the timeout, oldest first; they are forgotten. */
    List<String> expire(long nowNanos) {
        List<String> expired = new ArrayList<>();
        for (Iterator<Map.Entry<String, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Waiting> entry = it.next();
            if (nowNanos - entry.getValue().sinceNanos() < timeoutNanos) {
                break; // the rest came later
            }
            expired.add(entry.getKey());
            it.remove();
        }
        return expired;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Forgets every write (the owner stops answering). */
    void clear() {
        waiting.clear();
    }
}
