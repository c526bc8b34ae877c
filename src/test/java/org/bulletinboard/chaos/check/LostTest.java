package org.bulletinboard.chaos.check;

import static org.bulletinboard.chaos.check.Events.channel;
import static org.bulletinboard.chaos.check.Events.login;
import static org.bulletinboard.chaos.check.Events.message;
import static org.bulletinboard.chaos.check.Events.post;
import static org.bulletinboard.chaos.check.Events.server;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An acknowledged write is lost where a readable server or the clients' view lacks it. */
class LostTest {
    private static final Ops PUBLISHED = Ops.history().ok("c1", Fn.PUBLISH, "lobby", "hello");
    private static final StoredEvent HELLO = post("s1", 1, 1, "lobby", "hello", "r0");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("held everywhere", PUBLISHED, server("server-1", HELLO),
                                server("server-2", HELLO))
                                .withClients(Boards.board("clients").history("lobby", "hello")),
                        List.of()),
                Arguments.of(Scenario.of("lost on one server only", PUBLISHED, server("server-1", HELLO),
                                server("server-2")),
                        List.of(lost("server-2"))),
                Arguments.of(Scenario.of("lost everywhere", PUBLISHED, server("server-1"), server("server-2"))
                                .withClients(Boards.board("clients").history("lobby")),
                        List.of(lost("server-1", "server-2", "clients"))),
                Arguments.of(Scenario.of("lost only in what the clients see", PUBLISHED, server("server-1", HELLO))
                                .withClients(Boards.board("clients").history("lobby")),
                        List.of(lost("clients"))),
                Arguments.of(Scenario.of("a post in another channel is not the one acknowledged", PUBLISHED,
                                server("server-1", post("s1", 1, 1, "other", "hello", "r0"))),
                        List.of(lost("server-1"))),
                Arguments.of(Scenario.of("a write of unknown outcome may be missing",
                                Ops.history().info("c1", Fn.PUBLISH, "lobby", "hello"), server("server-1")),
                        List.of()),
                Arguments.of(Scenario.of("a refused write is not expected", Ops.history()
                                .fail("c1", Fn.PUBLISH, "lobby", "hello", "channel 'lobby' does not exist"),
                                server("server-1")),
                        List.of()),
                Arguments.of(Scenario.of("an unreadable server is not judged", PUBLISHED, server("server-1", HELLO),
                                server("server-3")).withUnreadable("server-3"),
                        List.of()),
                Arguments.of(Scenario.of("logins, channels and messages held where they belong", Ops.history()
                                .ok("c1", Fn.LOGIN, null, "ana").ok("c1", Fn.CHANNEL, null, "lobby")
                                .ok("c1", Fn.MESSAGE, "bob", "psst"),
                                server("server-1", login("s1", 1, 1, "ana"), channel("s1", 2, 2, "lobby"),
                                        message("s1", 3, 3, "bob", "psst", "r2")))
                                .withClients(Boards.board("clients").users("ana").channels("lobby")
                                        .inbox("bob", "psst")),
                        List.of()),
                Arguments.of(Scenario.of("each kind of write looked for in its own place", Ops.history()
                                .ok("c1", Fn.LOGIN, null, "ana").ok("c1", Fn.CHANNEL, null, "lobby")
                                .ok("c1", Fn.MESSAGE, "bob", "psst"), server("server-1"))
                                .withClients(Boards.board("clients").users("lobby").channels("ana")
                                        .inbox("eve", "psst")),
                        List.of(new Lost(Fn.LOGIN, "ana", null, "c1", 5, List.of("server-1", "clients")),
                                new Lost(Fn.CHANNEL, "lobby", null, "c1", 15, List.of("server-1", "clients")),
                                new Lost(Fn.MESSAGE, "psst", "bob", "c1", 25, List.of("server-1", "clients")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsLostWrites(Scenario scenario, List<Lost> expected) {
        assertEquals(expected, scenario.verdict().lost());
    }

    private static Lost lost(String... missingOn) {
        return new Lost(Fn.PUBLISH, "hello", "lobby", "c1", 5, List.of(missingOn));
    }
}
