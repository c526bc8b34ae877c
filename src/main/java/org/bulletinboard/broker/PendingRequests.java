package org.bulletinboard.broker;

import java.util.ArrayDeque;
import java.util.Deque;

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

    /** The oldest request still worth serving, or null; expired ones are dropped on the way. */
    ClientRequest poll(long now) {
        ClientRequest request;
        while ((request = queue.pollFirst()) != null) {
            if (now - request.arrivedNanos() <= maxAgeNanos) {
                return request;
            }
            request.message().destroy();
            expired++;
        }
        return null;
    }

    /** Requests dropped so far because they waited past their deadline. */
    long expired() {
        return expired;
    }

    int size() {
        return queue.size();
    }
}
