package org.bulletinboard.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, never for a fixed time. */
public final class Await {
    private Await() {}

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            pause();
        }
    }

    /** Waits until {@code supplier} returns the same value as {@code expected}; reports the last value if not. */
    public static <T> void equal(Duration timeout, String what, Supplier<T> expected, Supplier<T> actual) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T want = expected.get();
            T got = actual.get();
            if (want.equals(got)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "\nexpected: " + want + "\nlast seen: " + got);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20); // the poll interval of a deadline-bounded wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
