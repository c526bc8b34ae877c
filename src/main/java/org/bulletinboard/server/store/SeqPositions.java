package org.bulletinboard.server.store;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * One origin's events not covered by the last checkpoint: their seqs in ascending order and where each starts in the log.
 * Two growing arrays rather than a {@code TreeMap<Long, Long>}: tens of thousands of entries live for minutes, and
 * as three objects each they made every young collection copy them. Seqs mostly arrive in order (an append); one
 * that fills a gap is inserted. Not thread-safe: the store guards it.
 */
final class SeqPositions {
    private long[] seqs = new long[64];
    private long[] positions = new long[64];
    private int size;
    /**
     * The highest seq held, {@code Long.MIN_VALUE} for none. An append into an empty set then takes the same branch
     * as any other: a test of {@code size} here, false only after a checkpoint emptied the set, made the compiled
     * write path be thrown away at the first checkpoint of every process.
     */
    private long highest = Long.MIN_VALUE;

    /** Records where event {@code seq} starts; a seq held already gets the new position. */
    void put(long seq, long position) {
        // binarySearch's convention: the index if held, else -(where it goes) - 1; an append skips the search.
        int found = seq <= highest ? Arrays.binarySearch(seqs, 0, size, seq) : -size - 1;
        if (found >= 0) {
            positions[found] = position;
            return;
        }
        int insertAt = -found - 1;
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
            positions = Arrays.copyOf(positions, size * 2);
        }
        System.arraycopy(seqs, insertAt, seqs, insertAt + 1, size - insertAt);
        System.arraycopy(positions, insertAt, positions, insertAt + 1, size - insertAt);
        seqs[insertAt] = seq;
        positions[insertAt] = position;
        size++;
        highest = Math.max(highest, seq);
    }

    /** Receives a seq and where its event starts. */
    interface Entry {
        void accept(long seq, long position);
    }

    /** The events with a seq above {@code seq}, in seq order. */
    void entriesAfter(long seq, Entry consumer) {
        int found = Arrays.binarySearch(seqs, 0, size, seq);
        for (int i = found >= 0 ? found + 1 : -found - 1; i < size; i++) {
            consumer.accept(seqs[i], positions[i]);
        }
    }

    /**
     * Forgets the entries whose seq {@code covered} accepts (a checkpoint now holds them), keeping the arrays: grown
     * anew after each checkpoint, their larger copies were new objects of hundreds of kilobytes that the next two
     * young collections copied.
     */
    void removeIf(LongPredicate covered) {
        int kept = 0;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            if (!covered.test(seqs[i])) {
                seqs[kept] = seqs[i];
                positions[kept] = positions[i];
                last = seqs[i];
                kept++;
            }
        }
        size = kept;
        highest = last;
    }
}
