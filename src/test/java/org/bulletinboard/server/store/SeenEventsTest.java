package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SeenEventsTest {

    @Test
    void tracksGapsAndClosesThem() {
        SeenEvents seen = new SeenEvents();
        assertTrue(seen.add("a", 1));
        assertTrue(seen.add("a", 3));
        assertTrue(seen.add("a", 4));
        assertEquals(Map.of("a", 1L), seen.versionVector(), "3 and 4 sit above the gap at 2");
        assertEquals(4, seen.highest("a"));
        assertFalse(seen.contains("a", 2));
        assertTrue(seen.add("a", 2));
        assertEquals(Map.of("a", 4L), seen.versionVector());
        assertFalse(seen.add("a", 3), "duplicates are refused");
        assertTrue(seen.contains("a", 4));
        assertFalse(seen.contains("b", 1));
        assertEquals(0, seen.highest("b"));
    }

    @Test
    void theDigestDependsOnWhichEventsAreHeldNotOnTheirOrderOrHowTheyCame() {
        SeenEvents inOrder = new SeenEvents();
        for (long seq = 1; seq <= 5; seq++) {
            inOrder.add("a", seq);
        }
        inOrder.add("b", 1);
        SeenEvents scrambled = new SeenEvents();
        for (long seq : new long[] {4, 1, 5, 3}) {
            scrambled.add("a", seq);
        }
        scrambled.add("b", 1);
        scrambled.add("a", 4); // a duplicate changes nothing
        assertNotEquals(inOrder.digest(), scrambled.digest(), "a:2 is missing");
        scrambled.add("a", 2);
        assertEquals(inOrder.digest(), scrambled.digest());

        SeenEvents restored = new SeenEvents();
        restored.add("a", 3); // held above a gap before the checkpoint's coverage arrives
        restored.addAll(new Coverage(Map.of("a", 5L, "b", 1L), Map.of()));
        assertEquals(inOrder.digest(), restored.digest(), "a checkpoint's coverage counts each event once");
    }
}
