package org.bulletinboard.broker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Client requests waiting for a ready server, oldest first. Bounded in count and age: a request older than the
 * clients' retry timeout has been given up (or sent again) by its client, so serving it would be wasted work.
 * Age counts from arrival at the broker, also for a request put back after its worker was lost.
 */
final class PendingRequests {
    private final int capacity;
    private final long maxAgeNanos;
    private final Deque<ClientRequest> queue = new ArrayDeque<>();
    private long expired;

    PendingRequests(int capacity, long maxAgeNanos) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Queues a request; returns false (and keeps the queue as it is) when it is full. */
    boolean offer(ClientRequest request) {
        if (queue.size() >= capacity) {
            return false;
        }
        queue.addLast(request);
        return true;
    }

    /** Puts a request back at the front: no worker could take it after all, or its worker was lost. */
    void putBack(ClientRequest request) {
        queue.addFirst(request);
    }

    /** The oldest request, or null. */
    ClientRequest poll() {
        return queue.pollFirst();
    }

    /**
     * Takes out the requests at the front that waited past their deadline, oldest first, and hands each to
     * {@code expired}, so that its client is told rather than left waiting. The front holds the oldest requests
     * (put-back ones are older than any queued behind them), so a sweep stops at the first one still in time.
     */
    void expire(long now, Consumer<ClientRequest> expired) {
        ClientRequest oldest;
        while ((oldest = queue.peekFirst()) != null && now - oldest.arrivedNanos() > maxAgeNanos) {
            queue.pollFirst();
            this.expired++;
            expired.accept(oldest);
        }
    }

    /** Requests taken out so far because they waited past their deadline. */
    long expired() {
        return expired;
    }

    int size() {
        return queue.size();
    }
}
