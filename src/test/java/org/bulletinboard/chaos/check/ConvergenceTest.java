package org.bulletinboard.chaos.check;

import static org.bulletinboard.chaos.check.Events.login;
import static org.bulletinboard.chaos.check.Events.post;
import static org.bulletinboard.chaos.check.Events.server;
import static org.bulletinboard.chaos.check.Events.withField;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Servers converge when all are readable, hold the same events alike, and every board shows the same. */
class ConvergenceTest {
    private static final StoredEvent ANA = login("s1", 1, 1, "ana");
    private static final StoredEvent HELLO = post("s1", 2, 2, "lobby", "hello", "r0");
    private static final Ops NONE = Ops.history();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("equal servers and boards", NONE,
                                server("server-1", board("server-1").build(), ANA, HELLO),
                                server("server-2", board("server-2").build(), HELLO, ANA))
                                .withClients(board("clients")),
                        converged()),
                Arguments.of(Scenario.of("a server lacking an event", NONE, server("server-1", ANA, HELLO),
                                server("server-2", ANA)),
                        differs("server-2 lacks 1 event held by server-1 (first: s1:2)")),
                Arguments.of(Scenario.of("servers lacking each other's events", NONE,
                                server("server-1", ANA, post("s2", 7, 3, "lobby", "x", null),
                                        post("s2", 5, 3, "lobby", "y", null)),
                                server("server-2", HELLO)),
                        differs("server-1 lacks 1 event held by server-2 (first: s1:2)",
                                "server-2 lacks 3 events held by server-1 (first: s1:1)")),
                Arguments.of(Scenario.of("an event with a differing field", NONE, server("server-1", ANA, HELLO),
                                server("server-2", ANA, withField(HELLO, "timestamp", 99L))),
                        differs("event s1:2 differs in timestamp: null on server-1, 99 on server-2")),
                Arguments.of(Scenario.of("numbers of different types but one value", NONE,
                                server("server-1", withField(ANA, "lamport", 1)),
                                server("server-2", withField(ANA, "lamport", 1L))),
                        converged()),
                Arguments.of(Scenario.of("an unreadable server", NONE, server("server-1", ANA),
                                server("server-2", ANA)).withUnreadable("server-3"),
                        differs("server-3 unreadable")),
                Arguments.of(Scenario.of("boards differing in order", NONE,
                                server("server-1", board("server-1").build()),
                                server("server-2", board("server-2").history("lobby", "bye", "hello").build())),
                        differs("history of lobby: server-1 and server-2 differ at position 1: hello on server-1,"
                                + " bye on server-2")),
                Arguments.of(Scenario.of("the clients seeing less", NONE, server("server-1", board("server-1").build()))
                                .withClients(Boards.board("clients").users("ana", "bob").channels("lobby")
                                        .history("lobby", "hello").inbox("bob")),
                        differs("users: clients shows 1 that server-1 lacks (first: bob)",
                                "history of lobby: server-1 shows 2 posts, clients 1",
                                "inbox of bob: server-1 shows 1 message, clients 0")),
                Arguments.of(Scenario.of("many events differing in fields, summarised", NONE,
                                server("server-1", posts(8).toArray(StoredEvent[]::new)),
                                server("server-2", posts(8).map(e -> withField(e, "timestamp", 7L))
                                        .toArray(StoredEvent[]::new))),
                        differs(Stream.concat(IntStream.rangeClosed(1, 5).mapToObj(seq -> "event s1:" + seq
                                        + " differs in timestamp: null on server-1, 7 on server-2"),
                                Stream.of("and 3 more events differ in their fields")))),
                Arguments.of(Scenario.of("many differences, summarised", NONE, server("server-1"),
                                server("server-2", ANA)).withUnreadable(unreadable(25)),
                        differs(Stream.concat(Stream.of(unreadable(19)).map(name -> name + " unreadable"),
                                Stream.of("and 7 more differences")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judgesConvergence(Scenario scenario, Convergence expected) {
        assertEquals(expected, scenario.verdict().convergence());
    }

    private static Boards board(String source) {
        return Boards.board(source).users("ana").channels("lobby").history("lobby", "hello", "bye")
                .inbox("bob", "psst");
    }

    private static Convergence converged() {
        return new Convergence(true, List.of());
    }

    private static Convergence differs(String... differences) {
        return new Convergence(false, List.of(differences));
    }

    private static Convergence differs(Stream<String> differences) {
        return new Convergence(false, differences.toList());
    }

    private static String[] unreadable(int n) {
        return IntStream.range(0, n).mapToObj(i -> String.format("server-x%02d", i)).toArray(String[]::new);
    }

    private static Stream<StoredEvent> posts(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(seq -> post("s1", seq, seq, "lobby", "t" + seq, null));
    }
}
