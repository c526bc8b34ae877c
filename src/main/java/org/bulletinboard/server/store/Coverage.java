package org.bulletinboard.server.store;

import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** Whether this coverage covers event {@code seq} of {@code origin}. */
    boolean covers(String origin, long seq) {
        if (seq <= vector.getOrDefault(origin, 0L)) {
            return true;
        }
        List<Long> above = gaps.get(origin);
        return above != null && above.contains(seq);
    }

    /**
     * Whether a holder of every event up to {@code after} per origin, and of {@code holding} above that, holds every
     * event this coverage covers.
     */
    public boolean within(Map<String, Long> after, Map<String, Set<Long>> holding) {
        for (Map.Entry<String, Long> entry : vector.entrySet()) {
            long held = after.getOrDefault(entry.getKey(), 0L);
            if (held < entry.getValue()) {
                Set<Long> above = holding.getOrDefault(entry.getKey(), Set.of());
                if (entry.getValue() - held > above.size()) {
                    return false;
                }
                for (long seq = held + 1; seq <= entry.getValue(); seq++) {
                    if (!above.contains(seq)) {
                        return false;
                    }
                }
            }
        }
        for (Map.Entry<String, List<Long>> entry : gaps.entrySet()) {
            long held = after.getOrDefault(entry.getKey(), 0L);
            Set<Long> above = holding.getOrDefault(entry.getKey(), Set.of());
            for (long seq : entry.getValue()) {
                if (seq > held && !above.contains(seq)) {
                    return false;
                }
            }
        }
        return true;
    }
}
