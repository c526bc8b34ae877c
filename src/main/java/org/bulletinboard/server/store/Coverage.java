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

    /** Whether some covered event is not below {@code other}'s contiguous vector, i.e. {@code other} may lack it. */
    boolean exceeds(Map<String, Long> other) {
        for (Map.Entry<String, Long> entry : vector.entrySet()) {
            if (entry.getValue() > other.getOrDefault(entry.getKey(), 0L)) {
                return true;
            }
        }
        for (Map.Entry<String, List<Long>> entry : gaps.entrySet()) {
            long upTo = other.getOrDefault(entry.getKey(), 0L);
            if (entry.getValue().stream().anyMatch(seq -> seq > upTo)) {
                return true;
            }
        }
        return false;
    }
}
