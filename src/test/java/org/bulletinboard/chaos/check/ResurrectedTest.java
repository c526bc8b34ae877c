package org.bulletinboard.chaos.check;

import static org.bulletinboard.chaos.check.Events.login;
import static org.bulletinboard.chaos.check.Events.post;
import static org.bulletinboard.chaos.check.Events.server;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A refused write is resurrected where a server, the clients' view or any client's read shows it. */
class ResurrectedTest {
    private static final String REFUSAL = "channel 'lobby' does not exist";
    private static final Ops REFUSED = Ops.history().fail("c1", Fn.PUBLISH, "lobby", "hello", REFUSAL);
    private static final StoredEvent HELLO = post("s1", 1, 1, "lobby", "hello", "r0");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Scenario.of("shown nowhere", REFUSED, server("server-1"), server("server-2"))
                                .withClients(Boards.board("clients").history("lobby")),
                        List.of()),
                Arguments.of(Scenario.of("held by a server", REFUSED, server("server-1"), server("server-2", HELLO)),
                        List.of(resurrected("server-2"))),
                Arguments.of(Scenario.of("shown to the clients", REFUSED, server("server-1"))
                                .withClients(Boards.board("clients").history("lobby", "hello")),
                        List.of(resurrected("clients"))),
                Arguments.of(Scenario.of("returned by a client's read", Ops.history()
                                .fail("c1", Fn.PUBLISH, "lobby", "hello", REFUSAL)
                                .read("c2", Fn.HISTORY, "lobby", "hello", "hello")
                                .read("c2", Fn.HISTORY, "other", "hello"), server("server-1")),
                        List.of(resurrected("read by c2 (op 1)"))),
                Arguments.of(Scenario.of("everywhere at once", Ops.history()
                                .fail("c1", Fn.PUBLISH, "lobby", "hello", REFUSAL)
                                .read("c2", Fn.HISTORY, "lobby", "hello"), server("server-1", HELLO))
                                .withClients(Boards.board("clients").history("lobby", "hello")),
                        List.of(resurrected("server-1", "clients", "read by c2 (op 1)"))),
                Arguments.of(Scenario.of("a refused login held by a server", Ops.history()
                                .fail("c1", Fn.LOGIN, null, "ana", "bad name"), server("server-1", login("s1", 1, 1,
                                "ana"))),
                        List.of(new Resurrected(Fn.LOGIN, "ana", "c1", "bad name", List.of("server-1")))),
                Arguments.of(Scenario.of("a write of unknown outcome may show",
                                Ops.history().info("c1", Fn.PUBLISH, "lobby", "hello"), server("server-1", HELLO)),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsResurrectedWrites(Scenario scenario, List<Resurrected> expected) {
        assertEquals(expected, scenario.verdict().resurrected());
    }

    private static Resurrected resurrected(String... presentOn) {
        return new Resurrected(Fn.PUBLISH, "hello", "c1", REFUSAL, List.of(presentOn));
    }
}
