package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** How boards differ from the first of them: users, channels, and each history and inbox, in content and order. */
final class BoardDifferences {

    /** A board and whose it is: a server's name, or {@code clients}. */
    record Named(String name, ObservedBoard board) {
    }

    private BoardDifferences() {
    }

    static List<String> between(List<Named> boards) {
        List<String> differences = new ArrayList<>();
        if (boards.isEmpty()) {
            return differences;
        }
        Named first = boards.get(0);
        for (Named other : boards.subList(1, boards.size())) {
            compareSets("users", first, other, ObservedBoard::users, differences);
            compareSets("channels", first, other, ObservedBoard::channels, differences);
            compareLists(ListKey::history, first, other, ObservedBoard::histories, differences);
            compareLists(ListKey::inbox, first, other, ObservedBoard::inboxes, differences);
        }
        return differences;
    }

    private static void compareSets(String what, Named first, Named other, Function<ObservedBoard, Set<String>> part,
                                    List<String> differences) {
        Set<String> a = part.apply(first.board());
        Set<String> b = part.apply(other.board());
        TreeSet<String> lacking = new TreeSet<>(a);
        lacking.removeAll(b);
        TreeSet<String> extra = new TreeSet<>(b);
        extra.removeAll(a);
        if (!lacking.isEmpty()) {
            differences.add(what + ": " + other.name() + " lacks " + lacking.size() + " that " + first.name()
                    + " shows (first: " + lacking.first() + ")");
        }
        if (!extra.isEmpty()) {
            differences.add(what + ": " + other.name() + " shows " + extra.size() + " that " + first.name()
                    + " lacks (first: " + extra.first() + ")");
        }
    }

    private static void compareLists(UnaryOperator<String> listKeyOf, Named first, Named other,
                                     Function<ObservedBoard, Map<String, List<String>>> part,
                                     List<String> differences) {
        Map<String, List<String>> a = part.apply(first.board());
        Map<String, List<String>> b = part.apply(other.board());
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String key : keys) {
            List<String> mine = a.getOrDefault(key, List.of());
            List<String> theirs = b.getOrDefault(key, List.of());
            if (mine.equals(theirs)) {
                continue;
            }
            String listKey = listKeyOf.apply(key);
            String what = ListKey.describe(listKey) + ": ";
            if (mine.size() != theirs.size()) {
                differences.add(what + first.name() + " shows " + ListKey.count(listKey, mine.size()) + ", "
                        + other.name() + " " + theirs.size());
            } else {
                int at = 0;
                while (mine.get(at).equals(theirs.get(at))) {
                    at++;
                }
                differences.add(what + first.name() + " and " + other.name() + " differ at position " + (at + 1)
                        + ": " + mine.get(at) + " on " + first.name() + ", " + theirs.get(at) + " on " + other.name());
            }
        }
    }
}
