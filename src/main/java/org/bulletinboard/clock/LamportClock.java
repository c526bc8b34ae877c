package org.bulletinboard.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lamport's logical clock, with the course's rules: increment before every send, and on every receive
 * set the counter to max(local, received). Two guards keep any sender from spoiling it for everyone: a received
 * clock moves ours forward by at most {@link #MAX_JUMP} (counted), and the counter stops at {@link #MAX} rather
 * than pass it, so no role ever sends a clock another must refuse. Safe to share between threads.
 */
public final class LamportClock {
    /**
     * The largest counter accepted from others: 2^53 - 1, the largest integer every peer holds exactly (JavaScript
     * numbers included). A larger received value is refused where it is read; our own counter stops here.
     */
    public static final long MAX = (1L << 53) - 1;
    /**
     * The most one received clock moves ours forward. Counters that meet each other never drift this far apart
     * (it is about a day of writes at full rate); a client that claims more is taken at this much more, so reaching
     * {@link #MAX} would take millions of such requests.
     */
    public static final long MAX_JUMP = 1_000_000_000L;

    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong boundedJumps = new AtomicLong();

    /** Advances the clock for an outgoing message or a local event and returns the value to stamp on it. */
    public long tick() {
        return counter.accumulateAndGet(1, (current, one) -> current >= MAX ? MAX : current + one);
    }

    /**
     * Merges a received counter, moving ours forward by at most {@link #MAX_JUMP}; returns the local value after it.
     *
     * @throws IllegalArgumentException if {@code received} is negative or above {@link #MAX}
     */
    public long onReceive(long received) {
        check(received);
        while (true) {
            long current = counter.get();
            long merged = Math.max(current, Math.min(received, current + MAX_JUMP));
            if (counter.compareAndSet(current, merged)) {
                if (merged < received) {
                    boundedJumps.incrementAndGet();
                }
                return merged;
            }
        }
    }

    /**
     * Moves the clock to at least {@code value} however far that is: for a server's own history, read back at
     * start, not for what others send.
     */
    public long advanceTo(long value) {
        check(value);
        return counter.accumulateAndGet(value, Math::max);
    }

    /** How many received clocks were further ahead than {@link #MAX_JUMP} and merged as if they were that far. */
    public long boundedJumps() {
        return boundedJumps.get();
    }

    public long current() {
        return counter.get();
    }

    private static void check(long value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("Lamport clock " + value + " is outside 0.." + MAX);
        }
    }
}
