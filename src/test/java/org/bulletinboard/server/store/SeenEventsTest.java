package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
