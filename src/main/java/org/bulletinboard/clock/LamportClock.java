package org.bulletinboard.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lamport's logical clock, with the course's rules: increment before every send, and on every receive
 * set the counter to max(local, received). Safe to share between threads.
 */
public final class LamportClock {
    private final AtomicLong counter = new AtomicLong();

    /** Advances the clock for an outgoing message or a local event and returns the value to stamp on it. */
    public long tick() {
        return counter.incrementAndGet();
    }

    /** Merges a received counter; returns the local value after the merge. */
    public long onReceive(long received) {
        return counter.accumulateAndGet(received, Math::max);
    }

    public long current() {
        return counter.get();
    }
}
