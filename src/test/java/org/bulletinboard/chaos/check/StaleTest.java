package org.bulletinboard.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Refusals naming what was already created, and reads lacking the reader's own writes, are stale. */
class StaleTest {
    private static final String NO_LOBBY = "channel 'lobby' does not exist";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("a publish refused after its channel's creation was acknowledged",
                                Ops.history().ok("c1", Fn.CHANNEL, null, "lobby").at(0, 1_000_000)
                                        .fail("c2", Fn.PUBLISH, "lobby", "hello", NO_LOBBY).at(3_000_000, 3_500_000)),
                        List.of(new Stale(1, "c2", NO_LOBBY + ", though op 0 (c1) created it 2.0 ms before this"
                                + " op began"))),
                Arguments.of(Scenario.of("a message refused after its recipient's login was acknowledged",
                                Ops.history().ok("c1", Fn.LOGIN, null, "bob")
                                        .fail("c2", Fn.MESSAGE, "bob", "psst", "user 'bob' does not exist")),
                        List.of(new Stale(1, "c2", "user 'bob' does not exist, though op 0 (c1) created it 0.0 ms"
                                + " before this op began"))),
                Arguments.of(Scenario.of("a publish refused while its channel's creation was still under way",
                                Ops.history().ok("c1", Fn.CHANNEL, null, "lobby").at(0, 20)
                                        .fail("c2", Fn.PUBLISH, "lobby", "hello", NO_LOBBY).at(10, 15)),
                        List.of()),
                Arguments.of(Scenario.of("a refusal naming what nobody created",
                                Ops.history().ok("c1", Fn.CHANNEL, null, "other")
                                        .fail("c2", Fn.PUBLISH, "lobby", "hello", NO_LOBBY)),
                        List.of()),
                Arguments.of(Scenario.of("a client's complete read lacking its own posts", Ops.history()
                                .ok("c1", Fn.PUBLISH, "lobby", "hello").ok("c1", Fn.PUBLISH, "lobby", "again")
                                .read("c1", Fn.HISTORY, "lobby", "again")),
                        List.of(new Stale(2, "c1", "history of lobby lacks 1 of c1's own acknowledged writes:"
                                + " hello (op 0)"))),
                Arguments.of(Scenario.of("a client's own message, read back incomplete or by another client",
                                Ops.history().ok("c1", Fn.MESSAGE, "bob", "psst").partialRead("c1", Fn.INBOX, "bob")
                                        .read("c2", Fn.INBOX, "bob").read("c1", Fn.INBOX, "bob", "psst")),
                        List.of()),
                Arguments.of(Scenario.of("a client's read lacking its own message", Ops.history()
                                .ok("c1", Fn.MESSAGE, "bob", "psst").read("c1", Fn.INBOX, "bob", "other")),
                        List.of(new Stale(1, "c1", "inbox of bob lacks 1 of c1's own acknowledged writes:"
                                + " psst (op 0)"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsStaleAnswers(Scenario scenario, List<Stale> expected) {
        assertEquals(expected, scenario.verdict().stale());
    }

    @Test
    void staleAnswersAreNoSafetyViolation() {
        Verdict verdict = Scenario.of("stale", Ops.history().ok("c1", Fn.CHANNEL, null, "lobby")
                .fail("c2", Fn.PUBLISH, "lobby", "hello", NO_LOBBY)).verdict();
        assertEquals(1, verdict.stale().size());
        assertTrue(verdict.safe());
    }
}
