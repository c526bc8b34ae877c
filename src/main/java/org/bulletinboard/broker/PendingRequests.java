package org.bulletinboard.broker;

import java.util.ArrayDeque;
import java.util.Deque;
import org.zeromq.ZMsg;

/**
 * Client requests waiting for a ready server, oldest first. Bounded in count and age: a request older than the
 * clients' retry timeout has been given up (or sent again) by its client, so serving it would be wasted work.
 */
final class PendingRequests {
    private record Pending(ZMsg request, long queuedNanos) {}

    private final int capacity;
    private final long maxAgeNanos;
    private final Deque<Pending> queue = new ArrayDeque<>();

    PendingRequests(int capacity, long maxAgeNanos) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Queues a request; returns false (and keeps the queue as it is) when it is full. */
    boolean offer(ZMsg request, long now) {
        if (queue.size() >= capacity) {
            return false;
        }
        queue.addLast(new Pending(request, now));
        return true;
    }

    /** Puts back a request just taken, when no worker could take it after all. */
    void putBack(ZMsg request, long now) {
        queue.addFirst(new Pending(request, now));
    }

    /** The oldest request still worth serving, or null; older ones are dropped on the way. */
    ZMsg poll(long now) {
        Pending pending;
        while ((pending = queue.pollFirst()) != null) {
            if (now - pending.queuedNanos() <= maxAgeNanos) {
                return pending.request();
            }
            pending.request().destroy();
        }
        return null;
    }

    int size() {
        return queue.size();
    }
}
