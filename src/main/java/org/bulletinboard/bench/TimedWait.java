package org.bulletinboard.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that a benchmark then reports the time of. It polls every millisecond, so measured times
 * are not rounded up to a coarse poll, and gives up with the condition's name after {@code limit}.
 */
final class TimedWait {
    private TimedWait() {}

    static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(1);
        }
    }
}
