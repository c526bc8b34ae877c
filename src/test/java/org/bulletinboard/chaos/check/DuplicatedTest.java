package org.bulletinboard.chaos.check;

import static org.bulletinboard.chaos.check.Events.message;
import static org.bulletinboard.chaos.check.Events.post;
import static org.bulletinboard.chaos.check.Events.server;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A value is duplicated where one source shows it twice; on a server, copies of one request (the same request id)
 * show once.
 */
class DuplicatedTest {
    private static final Ops PUBLISHED = Ops.history().ok("c1", Fn.PUBLISH, "lobby", "hello");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("each value once", PUBLISHED,
                                server("server-1", post("s1", 1, 1, "lobby", "hello", "r0"),
                                        post("s1", 2, 2, "lobby", "bye", "r1"))),
                        List.of()),
                Arguments.of(Scenario.of("two events without request ids", PUBLISHED,
                                server("server-1", post("s1", 1, 1, "lobby", "hello", null),
                                        post("s2", 1, 2, "lobby", "hello", null))),
                        List.of(new Duplicated("hello", "server server-1", 2))),
                Arguments.of(Scenario.of("two copies of one request are one", PUBLISHED,
                                server("server-1", post("s1", 1, 1, "lobby", "hello", "r0"),
                                        post("s2", 1, 2, "lobby", "hello", "r0"))),
                        List.of()),
                Arguments.of(Scenario.of("two events with different request ids", PUBLISHED,
                                server("server-1", message("s1", 1, 1, "bob", "hello", "r0"),
                                        message("s2", 1, 2, "bob", "hello", "r9"))),
                        List.of(new Duplicated("hello", "server server-1", 2))),
                Arguments.of(Scenario.of("copies of one request and one without", PUBLISHED,
                                server("server-1", post("s1", 1, 1, "lobby", "hello", "r0"),
                                        post("s2", 1, 2, "lobby", "hello", "r0"),
                                        post("s3", 1, 3, "lobby", "hello", null))),
                        List.of(new Duplicated("hello", "server server-1", 2))),
                Arguments.of(Scenario.of("twice in one read", Ops.history()
                                .read("c1", Fn.HISTORY, "lobby", "hello", "bye", "hello")
                                .read("c2", Fn.HISTORY, "lobby", "hello", "bye")),
                        List.of(new Duplicated("hello", "read by c1 (op 0)", 2))),
                Arguments.of(Scenario.of("the same value in two reads is no duplicate", Ops.history()
                                .read("c1", Fn.INBOX, "bob", "hello").read("c2", Fn.INBOX, "bob", "hello")),
                        List.of()),
                Arguments.of(Scenario.of("twice in a server's board and in the clients' view", PUBLISHED,
                                server("server-1", Boards.board("server-1").history("lobby", "hello", "hello")
                                        .build()))
                                .withClients(Boards.board("clients").inbox("bob", "psst", "x", "psst", "psst")),
                        List.of(new Duplicated("hello", "board of server-1, history of lobby", 2),
                                new Duplicated("psst", "clients, inbox of bob", 3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsDuplicates(Scenario scenario, List<Duplicated> expected) {
        assertEquals(expected, scenario.verdict().duplicated());
    }
}
