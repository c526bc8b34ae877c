package org.bulletinboard.chaos.check;

import static org.bulletinboard.chaos.check.Events.message;
import static org.bulletinboard.chaos.check.Events.post;
import static org.bulletinboard.chaos.check.Events.server;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sources whose orders of one list form a cycle disagree; a source lacking a value does not. */
class OrderViolationTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("two reads in one order", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b").read("c2", Fn.HISTORY, "lobby", "a", "b")),
                        List.of()),
                Arguments.of(Scenario.of("two reads in opposite orders", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b").read("c2", Fn.HISTORY, "lobby", "b", "a")),
                        List.of(new OrderViolation("channel:lobby", List.of("a", "b"),
                                List.of("read by c1 (op 0)", "read by c2 (op 1)")))),
                Arguments.of(Scenario.of("three sources, each pair consistent, all three a cycle", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b"),
                                server("server-1", post("s1", 1, 1, "lobby", "b", null),
                                        post("s1", 2, 2, "lobby", "c", null)),
                                server("server-2", Boards.board("server-2").history("lobby", "c", "a").build())),
                        List.of(new OrderViolation("channel:lobby", List.of("a", "b", "c"),
                                List.of("server server-1", "board of server-2", "read by c1 (op 0)")))),
                Arguments.of(Scenario.of("a read lacking a value", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b", "c")
                                .read("c2", Fn.HISTORY, "lobby", "a", "c")),
                        List.of()),
                Arguments.of(Scenario.of("a value repeated in one read", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "a", "b", "a")
                                .read("c2", Fn.HISTORY, "lobby", "a", "b")),
                        List.of()),
                Arguments.of(Scenario.of("a channel and an inbox of one name are different lists", Ops.history()
                                .read("c1", Fn.HISTORY, "ana", "a", "b").read("c2", Fn.INBOX, "ana", "b", "a")),
                        List.of()),
                Arguments.of(Scenario.of("a server's events in history order, not log order", Ops.history()
                                .read("c1", Fn.INBOX, "bob", "a", "b"),
                                server("server-1", message("s2", 1, 7, "bob", "a", null),
                                        message("s1", 1, 3, "bob", "b", null))),
                        List.of(new OrderViolation("inbox:bob", List.of("a", "b"),
                                List.of("server server-1", "read by c1 (op 0)")))),
                Arguments.of(Scenario.of("a request counts at its last copy's place, as boards show it", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "b", "a"),
                                server("server-1", post("s1", 1, 1, "lobby", "a", "r0"),
                                        post("s1", 2, 2, "lobby", "b", "r1"), post("s2", 1, 3, "lobby", "a", "r0"))),
                        List.of()),
                Arguments.of(Scenario.of("clients against a server, two separate cycles", Ops.history(),
                                server("server-1", Boards.board("server-1").history("lobby", "a", "b", "c", "d")
                                        .build()))
                                .withClients(Boards.board("clients").history("lobby", "b", "a", "d", "c")),
                        List.of(new OrderViolation("channel:lobby", List.of("a", "b"),
                                        List.of("board of server-1", "clients")),
                                new OrderViolation("channel:lobby", List.of("c", "d"),
                                        List.of("board of server-1", "clients")))),
                Arguments.of(Scenario.of("a long list reversed: one cycle of all, no deep recursion",
                                Ops.history().read("c1", Fn.HISTORY, "lobby", values(0, 5000))
                                        .read("c2", Fn.HISTORY, "lobby", "v4999", "v0")),
                        List.of(new OrderViolation("channel:lobby", List.of(values(0, 5000)).stream().sorted()
                                .toList(), List.of("read by c1 (op 0)", "read by c2 (op 1)")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsOrderCycles(Scenario scenario, List<OrderViolation> expected) {
        assertEquals(expected, scenario.verdict().order());
    }

    private static String[] values(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "v" + i).toArray(String[]::new);
    }
}
