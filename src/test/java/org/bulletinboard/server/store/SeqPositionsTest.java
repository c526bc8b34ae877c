package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    }

    @Test
    void whatACheckpointCoversLeavesAndTheRestFillsOnInOrder() {
        SeqPositions positions = new SeqPositions();
        for (long seq = 1; seq <= 100; seq++) {
            positions.put(seq, seq * 10);
        }
        positions.removeIf(seq -> seq <= 98 && seq != 50); // a gap the checkpoint did not cover stays
        assertEquals(List.of(500L, 990L, 1000L), after(positions, 0));
        positions.put(102, 1020);
        positions.put(101, 1010);
        assertEquals(List.of(990L, 1000L, 1010L, 1020L), after(positions, 50));
        positions.removeIf(seq -> true);
        assertEquals(List.of(), after(positions, 0));
        positions.put(7, 70); // below every seq held before: an empty set takes anything
        assertEquals(List.of(70L), after(positions, 0));
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
            if (i == 1_000) {
                positions.removeIf(s -> s % 3 == 0);
                model.keySet().removeIf(s -> s % 3 == 0);
            }
        }
        for (long from = 0; from <= 3_100; from += 37) {
            assertEquals(new ArrayList<>(model.tailMap(from, false).values()), after(positions, from), "after " + from);
        }
    }

    private static List<Long> after(SeqPositions positions, long seq) {
        List<Long> found = new ArrayList<>();
        positions.entriesAfter(seq, (s, position) -> found.add(position));
        return found;
    }
}
