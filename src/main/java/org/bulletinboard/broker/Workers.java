package org.bulletinboard.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.zeromq.ZFrame;

/**
 * The workers the broker knows: when each was last heard from, which are idle (least recently used first), and
 * the request each busy one is working on. A worker that stays silent past the expiry is forgotten, and the request
 * it held is handed back, so it can go to another worker. Owned by the broker's thread.
 */
final class Workers {
    private record Worker(ZFrame identity, long lastHeardNanos) {}

    /** What {@link #expire} did: how many workers it forgot, and the requests they were working on. */
    record Expiry(int forgotten, List<ClientRequest> orphaned) {}

    private final long expiryNanos;
    private final Map<String, Worker> known = new HashMap<>();
    private final Deque<String> idle = new ArrayDeque<>();
    private final Map<String, ClientRequest> inFlight = new HashMap<>();

    Workers(long expiryNanos) {
        this.expiryNanos = expiryNanos;
    }

    /** Records that a worker spoke; returns true if it was not known before. */
    boolean heard(ZFrame identity, long now) {
        return known.put(identity.strhex(), new Worker(identity.duplicate(), now)) == null;
    }

    /** Marks a worker ready for a request, at the back of the queue; whatever it was working on is done. */
    void idle(ZFrame identity) {
        String key = identity.strhex();
        idle.remove(key);
        idle.addLast(key);
        ClientRequest done = inFlight.remove(key);
        if (done != null) {
            done.message().destroy();
        }
    }

    /** Whether the broker is waiting for this worker's reply (false once its request was handed to another). */
    boolean isServing(ZFrame identity) {
        return inFlight.containsKey(identity.strhex());
    }

    /** Records the request a worker (just taken with {@link #takeIdle}) is working on. */
    void busy(ZFrame identity, ClientRequest request) {
        inFlight.put(identity.strhex(), request);
    }

    /** The least recently used idle worker, now busy; null if none. */
    ZFrame takeIdle() {
        String key = idle.pollFirst();
        return key == null ? null : known.get(key).identity().duplicate();
    }

    boolean hasIdle() {
        return !idle.isEmpty();
    }

    int idleCount() {
        return idle.size();
    }

    /** Forgets a worker; returns the request it was working on, if any. */
    ClientRequest remove(ZFrame identity) {
        String key = identity.strhex();
        known.remove(key);
        idle.remove(key);
        return inFlight.remove(key);
    }

    /** Forgets workers not heard from within the expiry. */
    Expiry expire(long now) {
        int forgotten = 0;
        List<ClientRequest> orphaned = new ArrayList<>();
        for (Iterator<Worker> it = known.values().iterator(); it.hasNext(); ) {
            Worker worker = it.next();
            if (now - worker.lastHeardNanos() > expiryNanos) {
                String key = worker.identity().strhex();
                idle.remove(key);
                it.remove();
                forgotten++;
                ClientRequest request = inFlight.remove(key);
                if (request != null) {
                    orphaned.add(request);
                }
            }
        }
        return new Expiry(forgotten, orphaned);
    }

    List<ZFrame> identities() {
        return known.values().stream().map(w -> w.identity().duplicate()).toList();
    }

    int size() {
        return known.size();
    }
}
