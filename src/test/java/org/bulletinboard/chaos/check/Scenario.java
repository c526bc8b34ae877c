package org.bulletinboard.chaos.check;

import java.util.List;

/** One row of a checker test's table: a history, the servers, and what the clients saw. */
record Scenario(String name, List<Op> ops, List<ServerState> servers, List<String> unreadable,
                ObservedBoard clients) {

    static Scenario of(String name, Ops ops, ServerState... servers) {
        return new Scenario(name, ops.list(), List.of(servers), List.of(), null);
    }

    Scenario withClients(Boards clients) {
        return new Scenario(name, ops, servers, unreadable, clients.build());
    }

    Scenario withUnreadable(String... names) {
        return new Scenario(name, ops, servers, List.of(names), clients);
    }

    Verdict verdict() {
        return HistoryChecker.check(ops, servers, unreadable, clients);
    }

    @Override
    public String toString() {
        return name;
    }
}
