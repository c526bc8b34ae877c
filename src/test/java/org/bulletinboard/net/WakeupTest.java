package org.bulletinboard.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WakeupTest {
    private static final long LONG = 60_000;

    @Test
    void aRingEndsTheWaitAndIsKeptThroughAPause() {
        Wakeup wakeup = new Wakeup();
        wakeup.ring();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertTrue(wakeup.awaitRing(LONG)),
                "a ring before the wait ends it at once");
        long started = System.nanoTime();
        wakeup.ring();
        assertTrue(wakeup.pause(20));
        assertTrue(System.nanoTime() - started >= 20_000_000, "a ring does not cut a pause short");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertTrue(wakeup.awaitRing(LONG)),
                "the ring made during the pause is still there");
    }

    @Test
    void stopEndsEveryWaitForGood() {
        Wakeup wakeup = new Wakeup();
        Thread stopper = new Thread(wakeup::stop);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            stopper.start();
            assertFalse(wakeup.awaitRing(LONG));
            assertFalse(wakeup.pause(LONG));
        });
        assertTrue(wakeup.stopped());
    }
}
