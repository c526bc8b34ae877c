package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The ordered lists every source shows, each with its source's name: servers' logs, boards, and reads. */
final class Sequences {
    static final String CLIENTS = "clients";

    /** The history order every server keeps. */
    static final Comparator<StoredEvent> HISTORY_ORDER = Comparator.comparingLong(StoredEvent::lamport)
            .thenComparing(StoredEvent::origin).thenComparingLong(StoredEvent::seq);

    /** One list as one source shows it, oldest first. */
    record Sequence(String source, String key, List<String> values) {
    }

    private Sequences() {
    }

    static String server(String name) {
        return "server " + name;
    }

    static String board(String name) {
        return "board of " + name;
    }

    static String read(Op read) {
        return "read by " + read.process() + " (op " + read.index() + ")";
    }

    /** Each server's posts and messages in history order, by list, as its board shows them. */
    static List<Sequence> ofLogs(List<ServerState> servers) {
        List<Sequence> sequences = new ArrayList<>();
        for (ServerState server : servers) {
            Map<String, List<StoredEvent>> lists = new TreeMap<>();
            for (StoredEvent event : server.events()) {
                String key = ListKey.ofEvent(event);
                if (key != null) {
                    lists.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
                }
            }
            lists.forEach((key, events) -> sequences.add(new Sequence(server(server.name()), key,
                    shown(events))));
        }
        return sequences;
    }

    /**
     * The values of one list's events in history order, each request once, at its last copy's place, as every board
     * shows it (see the server's {@code Board}); events without a request id all count.
     */
    private static List<String> shown(List<StoredEvent> events) {
        List<StoredEvent> sorted = events.stream().sorted(HISTORY_ORDER.reversed()).toList();
        Set<String> requests = new HashSet<>();
        List<String> values = new ArrayList<>();
        for (StoredEvent event : sorted) {
            if (event.request() == null || requests.add(event.request())) {
                values.add(event.value());
            }
        }
        Collections.reverse(values);
        return values;
    }

    /** Every list of the servers' boards, then of the clients' view. */
    static List<Sequence> ofBoards(List<ServerState> servers, ObservedBoard clientView) {
        List<Sequence> sequences = new ArrayList<>();
        for (ServerState server : servers) {
            if (server.board() != null) {
                addLists(sequences, board(server.name()), server.board());
            }
        }
        if (clientView != null) {
            addLists(sequences, CLIENTS, clientView);
        }
        return sequences;
    }

    /** Every ok read, in history order. */
    static List<Sequence> ofReads(List<Op> history) {
        return history.stream().filter(Op::isOkRead)
                .map(read -> new Sequence(read(read), ListKey.ofRead(read), read.read())).toList();
    }

    private static void addLists(List<Sequence> sequences, String source, ObservedBoard board) {
        new TreeMap<>(board.histories()).forEach((channel, posts) ->
                sequences.add(new Sequence(source, ListKey.history(channel), posts)));
        new TreeMap<>(board.inboxes()).forEach((user, messages) ->
                sequences.add(new Sequence(source, ListKey.inbox(user), messages)));
    }
}
