package org.bulletinboard.clock;

import java.util.function.LongSupplier;

/**
 * A server's physical clock: the machine's wall time plus an offset the server controls, with an injectable start
 * skew and drift (ppm) so that synchronisation is visible and testable on one machine. Corrections are slewed:
 * the clock runs faster or slower, by at most {@link #MAX_SLEW_RATE} of its own rate, until the correction is
 * absorbed, so a reading never goes backwards and never jumps. Thread-safe.
 */
public final class PhysicalClock {
    /**
     * The fastest a correction is absorbed: 0.9 means the clock runs between 0.1 and 1.9 times as fast while it
     * slews, so a 5 s correction takes about 5.6 s. (NTP's 500 ppm would take hours for the skews we inject.)
     */
    public static final double MAX_SLEW_RATE = 0.9;

    private final LongSupplier nanoTime;
    private final double rate;
    private long anchorNanos;
    private double reading;
    private double pendingSlew;

    /**
     * @param wallMillis the machine's wall clock at start, in epoch milliseconds
     * @param skewMillis added to it at start
     * @param driftPpm   how much faster (positive) or slower the clock runs, in parts per million
     */
    public PhysicalClock(long wallMillis, LongSupplier nanoTime, long skewMillis, double driftPpm) {
        this.nanoTime = nanoTime;
        this.rate = 1 + driftPpm / 1e6;
        this.anchorNanos = nanoTime.getAsLong();
        this.reading = wallMillis + skewMillis;
    }

    public static PhysicalClock system(long skewMillis, double driftPpm) {
        return new PhysicalClock(System.currentTimeMillis(), System::nanoTime, skewMillis, driftPpm);
    }

    /** The clock's reading, epoch milliseconds; never less than an earlier reading. */
    public synchronized long millis() {
        advance();
        return (long) Math.floor(reading);
    }

    /** The reading with its fraction of a millisecond, for measuring offsets finer than a millisecond. */
    public synchronized double exactMillis() {
        advance();
        return reading;
    }

    /**
     * Where the clock is headed: its reading plus the correction not yet slewed in. It runs at the clock's natural
     * rate even while slewing, so offsets between targets do not change during a Berkeley round.
     */
    public synchronized double targetMillis() {
        advance();
        return reading + pendingSlew;
    }

    /** Adds a correction (computed against {@link #targetMillis}) to what is still being slewed. */
    public synchronized void correct(double correctionMillis) {
        advance();
        pendingSlew += correctionMillis;
    }

    /** The part of the last correction not absorbed yet, in milliseconds. */
    public synchronized double pendingCorrection() {
        advance();
        return pendingSlew;
    }

    private void advance() {
        long now = nanoTime.getAsLong();
        double elapsed = (now - anchorNanos) / 1e6 * rate;
        double slew = Math.max(-elapsed * MAX_SLEW_RATE, Math.min(elapsed * MAX_SLEW_RATE, pendingSlew));
        reading += elapsed + slew;
        pendingSlew -= slew;
        anchorNanos = now;
    }
}
