package org.bulletinboard.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Stamper;
import org.junit.jupiter.api.Test;

class LamportClockTest {

    @Test
    void incrementsBeforeEverySend() {
        LamportClock clock = new LamportClock();
        assertEquals(1, clock.tick());
        assertEquals(2, clock.tick());
    }

    @Test
    void receiveTakesTheMaximum() {
        LamportClock clock = new LamportClock();
        clock.tick();
        assertEquals(10, clock.onReceive(10));
        assertEquals(10, clock.onReceive(3), "an older clock never moves ours back");
        assertEquals(11, clock.tick());
    }

    @Test
    void aReceivedClockMovesOursForwardByAtMostTheJumpAndIsCounted() {
        LamportClock clock = new LamportClock();
        clock.onReceive(5);
        assertEquals(5 + LamportClock.MAX_JUMP, clock.onReceive(LamportClock.MAX - 1000));
        assertEquals(1, clock.boundedJumps());
        assertEquals(5 + LamportClock.MAX_JUMP + 7, clock.onReceive(5 + LamportClock.MAX_JUMP + 7));
        assertEquals(1, clock.boundedJumps(), "a jump within the bound is not counted");
    }

    @Test
    void theCounterStopsAtTheBoundInsteadOfPassingIt() {
        LamportClock clock = new LamportClock();
        clock.advanceTo(LamportClock.MAX - 1);
        assertEquals(LamportClock.MAX, clock.tick());
        assertEquals(LamportClock.MAX, clock.tick(), "every later send carries the bound, which peers accept");
        assertThrows(IllegalArgumentException.class, () -> clock.onReceive(LamportClock.MAX + 1));
    }

    @Test
    void ownHistoryIsTakenWhole() {
        LamportClock clock = new LamportClock();
        assertEquals(LamportClock.MAX_JUMP * 5, clock.advanceTo(LamportClock.MAX_JUMP * 5));
        assertEquals(0, clock.boundedJumps());
    }

    @Test
    void stamperStampsSendsAndMergesReceives() throws ProtocolException {
        Stamper stamper = new Stamper(new LamportClock(), () -> 1_790_000_000_250L);
        Envelope sent = stamper.envelope("users", Map.of());
        assertEquals(1L, sent.data().get("clock"));
        assertEquals(1_790_000_000.25, sent.data().get("timestamp"));

        stamper.observe(new Envelope("users", Map.of("clock", 41L)));
        assertEquals(42L, stamper.envelope("users", Map.of()).data().get("clock"));
        stamper.observe(new Envelope("users", Map.of())); // a peer without a clock is still served
        assertEquals(43L, stamper.envelope("users", Map.of()).data().get("clock"));
    }

    @Test
    void causallyRelatedMessagesAreOrdered() throws ProtocolException {
        Stamper a = Stamper.systemClock();
        Stamper b = Stamper.systemClock();
        for (int i = 0; i < 5; i++) {
            a.envelope("x", Map.of());
        }
        Envelope fromA = a.envelope("publish", Map.of());
        b.observe(fromA);
        Envelope fromB = b.envelope("publish", Map.of());
        assertEquals(true, (Long) fromB.data().get("clock") > (Long) fromA.data().get("clock"));
    }
}
