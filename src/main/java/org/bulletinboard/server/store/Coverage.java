package org.bulletinboard.server.store;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which events a state covers: per origin every sequence number up to {@code vector} (a version vector), plus
 * the few above a gap in {@code gaps}. Sorted maps, so equal coverages serialise identically.
 */
public record Coverage(Map<String, Long> vector, Map<String, List<Long>> gaps) {
    public static final Coverage NONE = new Coverage(Map.of(), Map.of());

    public Coverage {
        vector = new TreeMap<>(vector);
        gaps = new TreeMap<>(gaps);
    }

    /** The highest sequence number covered from each origin, gap or not. */
    Map<String, Long> highest() {
        Map<String, Long> highest = new TreeMap<>(vector);
        gaps.forEach((origin, seqs) -> seqs.forEach(seq -> highest.merge(origin, seq, Math::max)));
        return highest;
    }
}
