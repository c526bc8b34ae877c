package org.bulletinboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bulletinboard.clock.LamportClock;
import org.junit.jupiter.api.Test;

class FieldsTest {

    @Test
    void acceptsOrdinaryNames() throws ProtocolException {
        assertEquals("ana-maria_2", Fields.name(Map.of("user", "ana-maria_2"), "user"));
        assertEquals("canal ç", Fields.name(Map.of("channel", "canal ç"), "channel"));
        assertEquals("x".repeat(64), Fields.name(Map.of("user", "x".repeat(64)), "user"));
    }

    @Test
    void rejectsBadNames() {
        assertRejected(Map.of(), "missing field 'user'");
        assertRejected(Map.of("user", 1L), "must be a string, got integer");
        assertRejected(Map.of("user", ""), "must not be empty");
        assertRejected(Map.of("user", "x".repeat(65)), "longer than 64");
        assertRejected(Map.of("user", " padded"), "spaces");
        assertRejected(Map.of("user", "tab\there"), "control characters");
    }

    @Test
    void boundsMessageText() throws ProtocolException {
        assertEquals("y".repeat(4096), Fields.text(Map.of("message", "y".repeat(4096)), "message"));
        ProtocolException tooLong = assertThrows(ProtocolException.class,
                () -> Fields.text(Map.of("message", "y".repeat(4097)), "message"));
        assertTrue(tooLong.getMessage().contains("longer than 4096"));
        assertThrows(ProtocolException.class, () -> Fields.text(Map.of("message", "   "), "message"));
    }

    @Test
    void readsTimestampsInEveryAcceptedForm() throws ProtocolException {
        long millis = 1_790_000_000_500L;
        assertEquals(Optional.of(millis), Timestamps.read(Map.of("timestamp", 1_790_000_000.5)));
        assertEquals(Optional.of(1_790_000_000_000L), Timestamps.read(Map.of("timestamp", 1_790_000_000L)));
        assertEquals(Optional.of(millis), Timestamps.read(Map.of("timestamp", millis)));
        assertEquals(Optional.of(millis), Timestamps.read(Map.of("timestamp", (double) millis)));
        assertEquals(Optional.of(millis), Timestamps.read(Map.of("timestamp", "2026-09-21T14:13:20.500Z")));
        assertEquals(Optional.of(millis), Timestamps.read(Map.of("timestamp", "2026-09-21T11:13:20.500-03:00")));
        assertEquals(Optional.of(millis), Timestamps.read(Map.of("timestamp", "2026-09-21T14:13:20.500")));
        assertEquals(Optional.empty(), Timestamps.read(Map.of()));
        assertEquals(1_790_000_000.5, Timestamps.toWire(millis));
        assertThrows(ProtocolException.class, () -> Timestamps.read(Map.of("timestamp", "yesterday")));
        assertThrows(ProtocolException.class, () -> Timestamps.read(Map.of("timestamp", true)));
        assertThrows(ProtocolException.class, () -> Timestamps.read(Map.of("timestamp", -1L)));
    }

    @Test
    void refusesTimestampsThatAreNoSaneTime() throws ProtocolException {
        for (Object insane : List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.5, -1L,
                1.0e300, Long.MAX_VALUE, new BigInteger("18446744073709551615"), List.of(1.7e9), Map.of(),
                "10000-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z", "1".repeat(65))) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> Timestamps.read(Map.of("timestamp", insane)), "timestamp " + insane);
            assertTrue(e.getMessage().contains("'timestamp'"), e.getMessage());
            assertTrue(e.getMessage().length() < 200, "the description stays short: " + e.getMessage());
        }
        assertEquals(Optional.of(0L), Timestamps.read(Map.of("timestamp", 0L)), "the epoch itself");
        assertEquals(Optional.of(Timestamps.MAX_MILLIS), Timestamps.read(Map.of("timestamp", "9999-12-31T23:59:59.999Z")));
    }

    @Test
    void lamportClocksOutsideTheDocumentedBoundAreRefusedAndTheCounterNeverPassesIt() throws ProtocolException {
        Stamper stamper = Stamper.systemClock();
        for (Object insane : List.of(Long.MAX_VALUE, LamportClock.MAX + 1, -1L, new BigInteger("9223372036854775808"))) {
            assertThrows(ProtocolException.class,
                    () -> stamper.observe(new Envelope("users", Map.of("clock", insane))), "clock " + insane);
        }
        assertEquals(0, stamper.lamport().current(), "a refused clock is not merged");
        stamper.observe(new Envelope("users", Map.of("clock", LamportClock.MAX)));
        assertEquals(LamportClock.MAX_JUMP, stamper.lamport().current(), "a clock at the bound is a bounded jump");
        stamper.lamport().advanceTo(LamportClock.MAX);
        assertEquals(LamportClock.MAX, stamper.lamport().tick(), "counting on from the bound stays at it");
        assertThrows(ProtocolException.class,
                () -> stamper.observe(new Envelope("users", Map.of("timestamp", Double.NaN))), "a NaN timestamp");
    }

    @Test
    void integersAcceptWholeFloatsOnly() throws ProtocolException {
        assertEquals(Optional.of(12L), Fields.optionalInteger(Map.of("clock", 12.0), "clock"));
        assertThrows(ProtocolException.class, () -> Fields.optionalInteger(Map.of("clock", 12.5), "clock"));
        assertThrows(ProtocolException.class, () -> Fields.optionalInteger(Map.of("clock", "12"), "clock"));
    }

    private static void assertRejected(Map<String, Object> data, String part) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Fields.name(data, "user"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
