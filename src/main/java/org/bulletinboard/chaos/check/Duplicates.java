package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posts and messages shown more than once by one source. On a server, copies of one write that carry the same
 * request id are one (a retry that reached two servers; each shows only the first), so a value is duplicated there
 * when its events carry different request ids, or none.
 */
final class Duplicates {

    private Duplicates() {
    }

    static List<Duplicated> find(List<Op> history, List<ServerState> servers, ObservedBoard clientView) {
        List<Duplicated> found = new ArrayList<>();
        servers.forEach(server -> inLog(server, found));
        for (Sequences.Sequence list : Sequences.ofBoards(servers, clientView)) {
            inList(list.values(), list.source() + ", " + ListKey.describe(list.key()), found);
        }
        for (Sequences.Sequence read : Sequences.ofReads(history)) {
            inList(read.values(), read.source(), found);
        }
        found.sort(Comparator.comparing(Duplicated::value).thenComparing(Duplicated::where));
        return found;
    }

    private static void inLog(ServerState server, List<Duplicated> found) {
        Map<BoardItem, Copies> copies = new LinkedHashMap<>();
        for (StoredEvent event : server.events()) {
            boolean postOrMessage = ListKey.ofEvent(event) != null;
            if (postOrMessage) {
                // By kind and value alone: the value names the write, whichever list a copy joined.
                copies.computeIfAbsent(new BoardItem(event.type(), null, event.value()), item -> new Copies())
                        .add(event.request());
            }
        }
        copies.forEach((item, shown) -> {
            if (shown.count() > 1) {
                found.add(new Duplicated(item.value(), Sequences.server(server.name()), shown.count()));
            }
        });
    }

    private static void inList(List<String> values, String where, List<Duplicated> found) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        values.forEach(value -> counts.merge(value, 1, Integer::sum));
        counts.forEach((value, count) -> {
            if (count > 1) {
                found.add(new Duplicated(value, where, count));
            }
        });
    }

    /** The copies of one value a server shows: one per request id, and one per event without. */
    private static final class Copies {
        private final Set<String> requests = new HashSet<>();
        private int withoutRequest;

        void add(String request) {
            if (request == null) {
                withoutRequest++;
            } else {
                requests.add(request);
            }
        }

        int count() {
            return requests.size() + withoutRequest;
        }
    }
}
