package org.bulletinboard.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PhysicalClockTest {
    private static final long START = 1_800_000_000_000L;
    private final AtomicLong nanos = new AtomicLong();

    private void elapse(double millis) {
        nanos.addAndGet((long) (millis * 1_000_000));
    }

    @Test
    void skewAndDriftAreApplied() {
        PhysicalClock clock = new PhysicalClock(START, nanos::get, 5_000, 1_000);
        assertEquals(START + 5_000, clock.millis());
        elapse(1_000_000); // 1000 s at +1000 ppm gains 1 s
        assertEquals(START + 5_000 + 1_000_000 + 1_000, clock.millis());
    }

    @Test
    void aBackwardCorrectionIsSlewedNeverStepped() {
        PhysicalClock clock = new PhysicalClock(START, nanos::get, 0, 0);
        clock.correct(-5_000);
        double previous = clock.exactMillis();
        for (int i = 0; i < 600; i++) {
            elapse(10);
            double now = clock.exactMillis();
            assertTrue(now >= previous, "the clock went backwards at step " + i);
            assertTrue(now - previous >= 10 * (1 - PhysicalClock.MAX_SLEW_RATE) - 1e-9, "it runs at least at 10% speed");
            previous = now;
        }
        // 6000 ms passed; 5000 ms of correction took 5000 / 0.9 = 5556 ms to absorb.
        assertEquals(0, clock.pendingCorrection(), 1e-6);
        assertEquals(START + 6_000 - 5_000, clock.exactMillis(), 1e-6);
    }

    @Test
    void aForwardCorrectionIsSlewedToo() {
        PhysicalClock clock = new PhysicalClock(START, nanos::get, 0, 0);
        clock.correct(900);
        elapse(500);
        assertEquals(START + 500 + 450, clock.exactMillis(), 1e-6, "at most 90% faster");
        elapse(1_000);
        assertEquals(START + 1_500 + 900, clock.exactMillis(), 1e-6);
    }

    @Test
    void theTargetIgnoresSlewingAndCorrectionsAddUp() {
        PhysicalClock clock = new PhysicalClock(START, nanos::get, 0, 0);
        clock.correct(1_000);
        assertEquals(START + 1_000, clock.targetMillis(), 1e-9);
        elapse(100);
        assertEquals(START + 1_100, clock.targetMillis(), 1e-9, "the target runs at the natural rate");
        clock.correct(-10);
        assertEquals(1_000 - 90 - 10, clock.pendingCorrection(), 1e-9);
        assertEquals(START + 1_090, clock.targetMillis(), 1e-9);
    }
}
