package org.bulletinboard.server.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which events this server holds, in bounded memory: per origin, the highest sequence number below which
 * every event is held (a version vector), plus the few held above a gap while replication fills it.
 */
final class SeenEvents {
    private final Map<String, Long> contiguous = new HashMap<>();
    private final Map<String, TreeSet<Long>> aboveGap = new HashMap<>();

    boolean contains(String origin, long seq) {
        if (seq <= contiguous.getOrDefault(origin, 0L)) {
            return true;
        }
        TreeSet<Long> pending = aboveGap.get(origin);
        return pending != null && pending.contains(seq);
    }

    /** Records an event; returns false if it was already held. */
    boolean add(String origin, long seq) {
        if (contains(origin, seq)) {
            return false;
        }
        long upTo = contiguous.getOrDefault(origin, 0L);
        if (seq != upTo + 1) {
            aboveGap.computeIfAbsent(origin, o -> new TreeSet<>()).add(seq);
            return true;
        }
        advance(origin, seq);
        return true;
    }

    /** Marks everything {@code covers} covers as held. */
    void addAll(Coverage covers) {
        covers.vector().forEach((origin, upTo) -> {
            if (upTo > contiguous.getOrDefault(origin, 0L)) {
                TreeSet<Long> pending = aboveGap.get(origin);
                if (pending != null) {
                    pending.headSet(upTo, true).clear();
                }
                advance(origin, upTo);
            }
        });
        covers.gaps().forEach((origin, seqs) -> seqs.forEach(seq -> add(origin, seq)));
    }

    /** Sets the contiguous mark to {@code upTo}, then absorbs the held events right above it. */
    private void advance(String origin, long upTo) {
        TreeSet<Long> pending = aboveGap.get(origin);
        while (pending != null && !pending.isEmpty() && pending.first() == upTo + 1) {
            upTo = pending.pollFirst();
        }
        if (pending != null && pending.isEmpty()) {
            aboveGap.remove(origin);
        }
        contiguous.put(origin, upTo);
    }

    /** The highest sequence number held from this origin, gap or not. */
    long highest(String origin) {
        TreeSet<Long> pending = aboveGap.get(origin);
        return pending != null ? pending.last() : contiguous.getOrDefault(origin, 0L);
    }

    Map<String, Long> versionVector() {
        return Map.copyOf(contiguous);
    }

    Coverage coverage() {
        Map<String, List<Long>> gaps = new HashMap<>();
        aboveGap.forEach((origin, seqs) -> gaps.put(origin, new ArrayList<>(seqs)));
        return new Coverage(contiguous, gaps);
    }
}
