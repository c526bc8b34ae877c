package org.bulletinboard.broker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.zeromq.ZFrame;

/**
 * The workers the broker knows: when each was last heard from, and which are idle, least recently used first.
 * A worker that stays silent past the expiry is forgotten. Owned by the broker's thread.
 */
final class Workers {
    private record Worker(ZFrame identity, long lastHeardNanos) {}

    private final long expiryNanos;
    private final Map<String, Worker> known = new HashMap<>();
    private final Deque<String> idle = new ArrayDeque<>();

    Workers(long expiryNanos) {
        this.expiryNanos = expiryNanos;
    }

    /** Records that a worker spoke; returns true if it was not known before. */
    boolean heard(ZFrame identity, long now) {
        return known.put(identity.strhex(), new Worker(identity.duplicate(), now)) == null;
    }

    /** Marks a worker ready for a request, at the back of the queue. */
    void idle(ZFrame identity) {
        String key = identity.strhex();
        idle.remove(key);
        idle.addLast(key);
    }

    /** The least recently used idle worker, now busy; null if none. */
    ZFrame takeIdle() {
        String key = idle.pollFirst();
        return key == null ? null : known.get(key).identity().duplicate();
    }

    boolean hasIdle() {
        return !idle.isEmpty();
    }

    void remove(ZFrame identity) {
        known.remove(identity.strhex());
        idle.remove(identity.strhex());
    }

    /** Forgets workers not heard from within the expiry; returns how many. */
    int expire(long now) {
        int expired = 0;
        for (Iterator<Worker> it = known.values().iterator(); it.hasNext(); ) {
            Worker worker = it.next();
            if (now - worker.lastHeardNanos() > expiryNanos) {
                idle.remove(worker.identity().strhex());
                it.remove();
                expired++;
            }
        }
        return expired;
    }

    List<ZFrame> identities() {
        return known.values().stream().map(w -> w.identity().duplicate()).toList();
    }

    int size() {
        return known.size();
    }
}
