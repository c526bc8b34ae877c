package org.bulletinboard.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BerkeleyRoundTest {
    @Test
    void aReadingIsCompensatedByHalfItsRoundTrip() {
        // Sent at 1000, back at 1010 by our clock; the peer read 6005 half-way, when we read 1005.
        BerkeleyRound.Reading reading = new BerkeleyRound.Reading(6_005, 1_000, 1_010);
        assertEquals(10, reading.roundTripMillis(), 1e-9);
        assertEquals(5_000, reading.offset(), 1e-9);
    }

    @Test
    void everyClockIsBroughtToTheAverage() {
        BerkeleyRound.Outcome outcome = BerkeleyRound.corrections(Map.of("a", 0.0, "b", 5_000.0, "c", -5_000.0));
        assertEquals(Map.of("a", 0.0, "b", -5_000.0, "c", 5_000.0), outcome.corrections());
        assertEquals(List.of(), outcome.outliers());
        assertEquals(10_000, outcome.spreadBeforeMillis(), 1e-9);
    }

    @Test
    void anOutlierIsLeftOutOfTheAverageButStillCorrected() {
        BerkeleyRound.Outcome outcome = BerkeleyRound.corrections(
                Map.of("a", 0.0, "b", 10.0, "c", 20.0, "broken", 3_600_000.0));
        assertEquals(List.of("broken"), outcome.outliers());
        assertEquals(10.0, outcome.corrections().get("a"), 1e-9);
        assertEquals(0.0, outcome.corrections().get("b"), 1e-9);
        assertEquals(10.0 - 3_600_000.0, outcome.corrections().get("broken"), 1e-9);
    }
}
