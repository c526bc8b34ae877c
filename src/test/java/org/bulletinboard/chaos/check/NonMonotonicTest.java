package org.bulletinboard.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A client's complete read must hold everything that client saw in that list before. */
class NonMonotonicTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("reads that grow", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a").read("c1", Fn.HISTORY, "lobby", "a", "b")),
                        List.of()),
                Arguments.of(Scenario.of("a later read lacks a value", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b").read("c1", Fn.HISTORY, "lobby", "b")),
                        List.of(new NonMonotonic("c1", "channel:lobby", 0, 1, List.of("a")))),
                Arguments.of(Scenario.of("a later read that left older entries out", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b").partialRead("c1", Fn.HISTORY, "lobby", "b")),
                        List.of()),
                Arguments.of(Scenario.of("another client's later read", Ops.history()
                                .read("c1", Fn.INBOX, "bob", "a", "b").read("c2", Fn.INBOX, "bob", "b")),
                        List.of()),
                Arguments.of(Scenario.of("another list of the same client", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a").read("c1", Fn.HISTORY, "other")
                                .read("c1", Fn.INBOX, "lobby")),
                        List.of()),
                Arguments.of(Scenario.of("against everything seen before, partial reads too", Ops.history()
                                .read("c1", Fn.INBOX, "bob", "b").partialRead("c1", Fn.INBOX, "bob", "a")
                                .read("c1", Fn.INBOX, "bob", "c")),
                        List.of(new NonMonotonic("c1", "inbox:bob", 0, 2, List.of("a", "b")))),
                Arguments.of(Scenario.of("once per later read, five values listed", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "g", "f", "e", "d", "c", "b", "a")
                                .read("c1", Fn.HISTORY, "lobby")
                                .read("c1", Fn.HISTORY, "lobby", "a", "b", "c", "d", "e", "f")),
                        List.of(new NonMonotonic("c1", "channel:lobby", 0, 1, List.of("a", "b", "c", "d", "e")),
                                new NonMonotonic("c1", "channel:lobby", 0, 2, List.of("g")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsReadsGoingBack(Scenario scenario, List<NonMonotonic> expected) {
        assertEquals(expected, scenario.verdict().nonMonotonic());
    }
}
