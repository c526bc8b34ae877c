package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether each client's reads of a list only ever grow: a complete read must hold everything the same client saw
 * in that list before. A read that left older entries out proves nothing by lacking one.
 */
final class MonotonicReads {
    /** Missing values listed per read. */
    private static final int MAX_LISTED = 5;

    private record ClientList(String process, String key) {
    }

    private MonotonicReads() {
    }

    /** @param history in index order, which is each client's own order */
    static List<NonMonotonic> find(List<Op> history) {
        Map<ClientList, Map<String, Integer>> firstSeen = new HashMap<>();
        List<NonMonotonic> found = new ArrayList<>();
        for (Op read : history) {
            if (!read.isOkRead()) {
                continue;
            }
            String key = ListKey.ofRead(read);
            Map<String, Integer> seen = firstSeen.computeIfAbsent(new ClientList(read.process(), key),
                    list -> new HashMap<>());
            if (read.complete() && !seen.isEmpty()) {
                Set<String> returned = new HashSet<>(read.read());
                List<String> missing = seen.keySet().stream().filter(value -> !returned.contains(value))
                        .sorted().toList();
                if (!missing.isEmpty()) {
                    int earliest = missing.stream().mapToInt(seen::get).min().orElseThrow();
                    found.add(new NonMonotonic(read.process(), key, earliest, read.index(),
                            missing.subList(0, Math.min(MAX_LISTED, missing.size()))));
                }
            }
            read.read().forEach(value -> seen.putIfAbsent(value, read.index()));
        }
        return found;
    }
}
