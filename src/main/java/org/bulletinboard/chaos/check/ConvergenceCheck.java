package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether the servers converged: all readable, holding the same events with the same fields, and every board
 * (each server's, and the clients' view) showing the same.
 */
final class ConvergenceCheck {
    private static final int MAX_LINES = 20;
    private static final int MAX_FIELD_LINES = 5;
    private static final Comparator<StoredEvent> BY_ID =
            Comparator.comparing(StoredEvent::origin).thenComparingLong(StoredEvent::seq);
    /** Ids ({@code origin:seq}) by origin, then by seq as a number. */
    private static final Comparator<String> ID_ORDER = Comparator.comparing((String id) -> id.substring(0, id.lastIndexOf(':')))
            .thenComparingLong(id -> Long.parseLong(id.substring(id.lastIndexOf(':') + 1)));

    private ConvergenceCheck() {
    }

    static Convergence of(List<ServerState> servers, List<String> unreadable, ObservedBoard clientView) {
        List<String> differences = new ArrayList<>();
        new TreeSet<>(unreadable).forEach(name -> differences.add(name + " unreadable"));
        Map<String, Map<String, StoredEvent>> logs = new LinkedHashMap<>();
        for (ServerState server : servers) {
            Map<String, StoredEvent> byId = new LinkedHashMap<>();
            server.events().forEach(event -> byId.putIfAbsent(event.id(), event));
            logs.put(server.name(), byId);
        }
        missingEvents(servers, differences);
        differingFields(logs, differences);
        differences.addAll(BoardDifferences.between(boards(servers, clientView)));
        return new Convergence(differences.isEmpty(), capped(differences));
    }

    /** Compared by id, sent or covered by a checkpoint: the copies of one request a checkpoint folded are held. */
    private static void missingEvents(List<ServerState> servers, List<String> differences) {
        Map<String, Set<String>> held = new LinkedHashMap<>();
        servers.forEach(server -> held.put(server.name(), server.heldIds()));
        held.forEach((lacking, ids) -> held.forEach((holder, others) -> {
            if (!holder.equals(lacking)) {
                List<String> missing = others.stream().filter(id -> !ids.contains(id)).sorted(ID_ORDER).toList();
                if (!missing.isEmpty()) {
                    String events = missing.size() == 1 ? " event" : " events";
                    differences.add(lacking + " lacks " + missing.size() + events + " held by " + holder
                            + " (first: " + missing.get(0) + ")");
                }
            }
        }));
    }

    /** Each event compared with its copy on the first server that holds it. */
    private static void differingFields(Map<String, Map<String, StoredEvent>> logs, List<String> differences) {
        Map<StoredEvent, String> differing = new TreeMap<>(BY_ID);
        Set<String> compared = new HashSet<>();
        List<String> names = List.copyOf(logs.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (StoredEvent event : logs.get(names.get(i)).values()) {
                if (!compared.add(event.id())) {
                    continue;
                }
                for (int j = i + 1; j < names.size() && !differing.containsKey(event); j++) {
                    StoredEvent copy = logs.get(names.get(j)).get(event.id());
                    if (copy != null) {
                        String field = firstDifference(event.fields(), copy.fields());
                        if (field != null) {
                            differing.put(event, "event " + event.id() + " differs in " + field + ": "
                                    + event.fields().get(field) + " on " + names.get(i) + ", "
                                    + copy.fields().get(field) + " on " + names.get(j));
                        }
                    }
                }
            }
        }
        differing.values().stream().limit(MAX_FIELD_LINES).forEach(differences::add);
        if (differing.size() > MAX_FIELD_LINES) {
            differences.add("and " + (differing.size() - MAX_FIELD_LINES) + " more events differ in their fields");
        }
    }

    private static String firstDifference(Map<String, Object> a, Map<String, Object> b) {
        Set<String> fields = new TreeSet<>(a.keySet());
        fields.addAll(b.keySet());
        return fields.stream().filter(field -> !sameValue(a.get(field), b.get(field))).findFirst().orElse(null);
    }

    /** Numbers compare by value: one decoder may give an Integer where another gives a Long. */
    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.toString().equals(y.toString());
        }
        return Objects.equals(a, b);
    }

    private static List<BoardDifferences.Named> boards(List<ServerState> servers, ObservedBoard clientView) {
        List<BoardDifferences.Named> boards = new ArrayList<>();
        servers.stream().filter(server -> server.board() != null)
                .forEach(server -> boards.add(new BoardDifferences.Named(server.name(), server.board())));
        if (clientView != null) {
            boards.add(new BoardDifferences.Named(Sequences.CLIENTS, clientView));
        }
        return boards;
    }

    private static List<String> capped(List<String> differences) {
        if (differences.size() <= MAX_LINES) {
            return differences;
        }
        List<String> capped = new ArrayList<>(differences.subList(0, MAX_LINES - 1));
        capped.add("and " + (differences.size() - MAX_LINES + 1) + " more differences");
        return capped;
    }
}
