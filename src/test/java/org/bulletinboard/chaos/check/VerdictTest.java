package org.bulletinboard.chaos.check;

import static org.bulletinboard.chaos.check.Events.post;
import static org.bulletinboard.chaos.check.Events.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A verdict is safe only without any anomaly but stale answers; its counts and anomaly ids. */
class VerdictTest {
    private static final StoredEvent HELLO = post("s1", 1, 1, "lobby", "hello", "r0");

    @Test
    void aCleanHistoryIsSafeAndCounted() {
        Verdict verdict = Scenario.of("clean", Ops.history().ok("c1", Fn.PUBLISH, "lobby", "hello")
                        .fail("c2", Fn.PUBLISH, "nowhere", "bye", "channel 'nowhere' does not exist")
                        .info("c3", Fn.PUBLISH, "lobby", "maybe").read("c1", Fn.HISTORY, "lobby", "hello"),
                server("server-1", HELLO), server("server-2", HELLO)).verdict();
        assertTrue(verdict.safe());
        assertEquals(new Counts(2, 1, 1), verdict.counts());
    }

    static Stream<Scenario> unsafe() {
        Ops published = Ops.history().ok("c1", Fn.PUBLISH, "lobby", "hello");
        return Stream.of(
                Scenario.of("lost", published, server("server-1")),
                Scenario.of("resurrected", Ops.history().fail("c1", Fn.PUBLISH, "lobby", "hello", "no"),
                        server("server-1", HELLO)),
                Scenario.of("duplicated", Ops.history().read("c1", Fn.HISTORY, "lobby", "hello", "hello")),
                Scenario.of("order", Ops.history().read("c1", Fn.HISTORY, "lobby", "a", "b")
                        .read("c2", Fn.HISTORY, "lobby", "b", "a")),
                Scenario.of("not converged", published, server("server-1", HELLO)).withUnreadable("server-2"));
    }

    @Test
    void readsGoingBackAreReportedButNotUnsafe() {
        Verdict verdict = Scenario.of("non-monotonic", Ops.history().read("c1", Fn.HISTORY, "lobby", "a")
                .read("c1", Fn.HISTORY, "lobby")).verdict();
        assertEquals(1, verdict.nonMonotonic().size());
        assertTrue(verdict.safe(), "reads are served by one server each, which may lag: not promised");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafe")
    void anyAnomalyMakesItUnsafe(Scenario scenario) {
        assertFalse(scenario.verdict().safe());
    }

    @Test
    void anomalyIdsNameTheSameAnomalyAcrossChecks() {
        assertEquals(List.of(List.of("hello"), List.of("hello"), List.of("hello"), List.of("channel:lobby [a, b]"),
                        List.of("c1 channel:lobby a", "c1 channel:lobby b"), List.of("c2#3")),
                List.of(new Lost(Fn.PUBLISH, "hello", "lobby", "c1", 5, List.of("server-1")).ids(),
                        new Resurrected(Fn.PUBLISH, "hello", "c1", "no", List.of("server-1")).ids(),
                        new Duplicated("hello", "read by c1 (op 4)", 2).ids(),
                        new OrderViolation("channel:lobby", List.of("a", "b"), List.of()).ids(),
                        new NonMonotonic("c1", "channel:lobby", 2, 9, List.of("a", "b")).ids(),
                        new Stale(3, "c2", "stale").ids()));
    }
}
