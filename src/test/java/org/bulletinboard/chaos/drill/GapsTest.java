package org.bulletinboard.chaos.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GapsTest {
    private static final long MS = 1_000_000;

    private static List<Long> millis(long... times) {
        return java.util.Arrays.stream(times).map(t -> t * MS).boxed().toList();
    }

    @Test
    void theGapAcrossTheFaultCountsFromTheLastAnswerBeforeIt() {
        assertEquals(400, Gaps.longestMillis(List.of(millis(0, 90, 490, 500, 510)), 100 * MS, 600 * MS));
    }

    @Test
    void theLongestOfEveryClientCounts() {
        assertEquals(480, Gaps.longestMillis(List.of(millis(100, 110, 120, 600), millis(90, 340, 350, 590)),
                100 * MS, 600 * MS), "the first client's, from 120 to 600 ms");
    }

    @Test
    void aClientStillWaitingAtTheWindowsEndWaitedUntilThen() {
        assertEquals(500, Gaps.longestMillis(List.of(millis(95, 100)), 100 * MS, 600 * MS));
        assertEquals(500, Gaps.longestMillis(List.of(millis()), 100 * MS, 600 * MS), "never answered");
    }

    @Test
    void answersAfterTheWindowDoNotCount() {
        assertEquals(10, Gaps.longestMillis(List.of(millis(100, 110, 120, 5000)), 100 * MS, 120 * MS));
    }
}
