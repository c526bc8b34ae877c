package org.bulletinboard.server.store;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request ids of the latest writes, at most {@code capacity} of them, oldest dropped first: a client retry
 * comes seconds after its first try, so a retry is recognised as long as fewer than {@code capacity} writes
 * came in between. Each entry keeps where in the log its event starts (so recovery knows how far back to read
 * to rebuild this window) and, for a post or message, which event counts for the request.
 */
final class RecentRequests {
    /** A request's winning post or message (the first in history order), or a login or channel ({@code winner} null). */
    record Entry(long logPosition, Event winner) {}

    private final int capacity;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    RecentRequests(int capacity) {
        this.capacity = capacity;
    }

    Entry get(String request) {
        return entries.get(request);
    }

    boolean contains(String request) {
        return entries.containsKey(request);
    }

    /** Records (or, for an earlier winner, replaces) a request's entry, keeping its place in age order. */
    void put(String request, Entry entry) {
        Entry held = entries.get(request);
        entries.put(request, held == null ? entry : new Entry(held.logPosition(), entry.winner()));
        if (entries.size() > capacity) {
            Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** Where in the log the oldest request held starts, or {@code fallback} when none is held. */
    long oldestPosition(long fallback) {
        return entries.isEmpty() ? fallback : entries.values().iterator().next().logPosition();
    }
}
