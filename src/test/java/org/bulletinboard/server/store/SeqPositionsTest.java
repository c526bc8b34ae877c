package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeqPositionsTest {

    @Test
    void givesThePositionsAfterASeqInSeqOrderWhateverTheArrivalOrder() {
        SeqPositions positions = new SeqPositions();
        positions.put(1, 100);
        positions.put(2, 200);
        positions.put(5, 500); // 3 and 4 arrive later, filling the gap
        positions.put(4, 400);
        positions.put(3, 300);
        positions.put(2, 250); // a seq held already takes the new position

        assertEquals(List.of(250L, 300L, 400L, 500L), after(positions, 1));
        assertEquals(List.of(400L, 500L), after(positions, 3));
        assertEquals(List.of(100L, 250L, 300L, 400L, 500L), after(positions, 0));
        assertEquals(List.of(), after(positions, 5));
        assertEquals(5, positions.lastSeq());
    }

    @Test
    void aClearedOneHoldsNothingAndFillsAgain() {
        SeqPositions positions = new SeqPositions();
        for (long seq = 1; seq <= 100; seq++) {
            positions.put(seq, seq * 10);
        }
        positions.clear();
        assertTrue(positions.isEmpty());
        assertEquals(List.of(), after(positions, 0));
        positions.put(102, 1020);
        positions.put(101, 1010);
        assertFalse(positions.isEmpty());
        assertEquals(List.of(1010L, 1020L), after(positions, 0), "nothing held before the clear comes back");
        assertEquals(102, positions.lastSeq());
    }

    /** Random arrival orders against a TreeMap, through several doublings of the arrays. */
    @Test
    void agreesWithATreeMap() {
        Random random = new Random(7);
        SeqPositions positions = new SeqPositions();
        TreeMap<Long, Long> model = new TreeMap<>();
        for (int i = 0; i < 2_000; i++) {
            long seq = random.nextInt(3) == 0 ? 1 + random.nextInt(1_500) : 1_000 + i; // mostly ascending
            positions.put(seq, i);
            model.put(seq, (long) i);
        }
        for (long from = 0; from <= 3_100; from += 37) {
            assertEquals(new ArrayList<>(model.tailMap(from, false).values()), after(positions, from), "after " + from);
        }
        assertEquals(model.lastKey(), positions.lastSeq());
    }

    private static List<Long> after(SeqPositions positions, long seq) {
        List<Long> found = new ArrayList<>();
        positions.positionsAfter(seq, found::add);
        return found;
    }
}
