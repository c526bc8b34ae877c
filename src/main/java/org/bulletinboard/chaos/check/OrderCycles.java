package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sources that disagree on the order of a list. Every source says of each two neighbours in its list (a value's
 * repeats dropped) that the first comes before the second; those edges over all sources of a list form a graph,
 * and any cycle in it means two or more sources cannot all be right. A source that simply lacks a value says
 * nothing about it.
 */
final class OrderCycles {
    /** Sources named in a violation before the rest are only counted. */
    private static final int MAX_SOURCES_NAMED = 10;

    private OrderCycles() {
    }

    /** @param sequences every source's lists, in the order their sources are to be named */
    static List<OrderViolation> find(List<Sequences.Sequence> sequences) {
        Map<String, List<Sequences.Sequence>> byKey = new TreeMap<>();
        sequences.forEach(list -> byKey.computeIfAbsent(list.key(), key -> new ArrayList<>()).add(list));
        List<OrderViolation> violations = new ArrayList<>();
        byKey.forEach((key, lists) -> violations.addAll(inList(key, lists)));
        return violations;
    }

    private static List<OrderViolation> inList(String key, List<Sequences.Sequence> lists) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> values = new ArrayList<>();
        List<Set<Integer>> successors = new ArrayList<>();
        List<int[]> paths = new ArrayList<>();
        for (Sequences.Sequence list : lists) {
            int[] path = list.values().stream().distinct().mapToInt(value -> ids.computeIfAbsent(value, v -> {
                values.add(v);
                successors.add(new HashSet<>());
                return values.size() - 1;
            })).toArray();
            for (int i = 1; i < path.length; i++) {
                successors.get(path[i - 1]).add(path[i]);
            }
            paths.add(path);
        }
        int[][] graph = successors.stream().map(next -> next.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        List<int[]> cycles = StronglyConnected.cycles(graph);
        if (cycles.isEmpty()) {
            return List.of();
        }
        int[] cycleOf = new int[values.size()];
        Arrays.fill(cycleOf, -1);
        for (int c = 0; c < cycles.size(); c++) {
            for (int node : cycles.get(c)) {
                cycleOf[node] = c;
            }
        }
        List<Set<String>> sources = new ArrayList<>();
        cycles.forEach(cycle -> sources.add(new LinkedHashSet<>()));
        for (int s = 0; s < lists.size(); s++) {
            int[] path = paths.get(s);
            for (int i = 1; i < path.length; i++) {
                int c = cycleOf[path[i]];
                if (c != -1 && c == cycleOf[path[i - 1]]) {
                    sources.get(c).add(lists.get(s).source());
                }
            }
        }
        List<OrderViolation> violations = new ArrayList<>();
        for (int c = 0; c < cycles.size(); c++) {
            List<String> members = Arrays.stream(cycles.get(c)).mapToObj(values::get).sorted().toList();
            violations.add(new OrderViolation(key, members, named(sources.get(c))));
        }
        violations.sort((a, b) -> a.cycle().get(0).compareTo(b.cycle().get(0)));
        return violations;
    }

    private static List<String> named(Set<String> sources) {
        List<String> named = new ArrayList<>(sources.stream().limit(MAX_SOURCES_NAMED).toList());
        if (sources.size() > MAX_SOURCES_NAMED) {
            named.add("and " + (sources.size() - MAX_SOURCES_NAMED) + " more sources");
        }
        return named;
    }
}
