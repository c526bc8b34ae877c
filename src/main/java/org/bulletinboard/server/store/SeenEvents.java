package org.bulletinboard.server.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which events this server holds, in bounded memory: per origin, the highest sequence number below which
 * every event is held (a version vector), plus the few held above a gap while replication fills it. It also keeps
 * a digest of that set, the sum of a hash of each id: it does not depend on the order events came in, so two
 * servers that hold the same events (and so derive the same board) show the same digest.
 */
final class SeenEvents {
    private final Map<String, Long> contiguous = new HashMap<>();
    private final Map<String, TreeSet<Long>> aboveGap = new HashMap<>();
    private long digest;

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
        digest += hash(origin, seq);
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
            long from = contiguous.getOrDefault(origin, 0L);
            if (upTo > from) {
                TreeSet<Long> pending = aboveGap.get(origin);
                long originHash = originHash(origin);
                for (long seq = from + 1; seq <= upTo; seq++) {
                    if (pending == null || !pending.contains(seq)) {
                        digest += mix(originHash ^ mix(seq));
                    }
                }
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

    /** The digest of the events held, as 16 hex digits. */
    String digest() {
        return String.format("%016x", digest);
    }

    private static long hash(String origin, long seq) {
        return mix(originHash(origin) ^ mix(seq));
    }

    /** FNV-1a over the origin's characters. */
    private static long originHash(String origin) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < origin.length(); i++) {
            h = (h ^ origin.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads every input bit over the whole word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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
