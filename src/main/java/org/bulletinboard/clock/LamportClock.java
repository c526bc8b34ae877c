package org.bulletinboard.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lamport's logical clock, with the course's rules: increment before every send, and on every receive
 * set the counter to max(local, received). Safe to share between threads.
 */
public final class LamportClock {
    /**
     * The largest counter accepted from others: 2^53 - 1, the largest integer every peer holds exactly (JavaScript
     * numbers included). Counting up from it by one per message would take longer than anyone will run this, so
     * the counter can never overflow; a larger received value is refused where it is read.
     */
    public static final long MAX = (1L << 53) - 1;

    private final AtomicLong counter = new AtomicLong();

    /** Advances the clock for an outgoing message or a local event and returns the value to stamp on it. */
    public long tick() {
        return counter.incrementAndGet();
    }

    /**
     * Merges a received counter; returns the local value after the merge.
     *
     * @throws IllegalArgumentException if {@code received} is negative or above {@link #MAX}
     */
    public long onReceive(long received) {
        if (received < 0 || received > MAX) {
            throw new IllegalArgumentException("Lamport clock " + received + " is outside 0.." + MAX);
        }
        return counter.accumulateAndGet(received, Math::max);
    }

    public long current() {
        return counter.get();
    }
}
