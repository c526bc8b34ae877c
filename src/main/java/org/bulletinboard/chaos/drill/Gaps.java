package org.bulletinboard.chaos.drill;

import java.util.List;

/**
 * How long a client or subscriber went without hearing anything, from the times (nanoTime) it heard something. The
 * gap that spans a fault counts from the last answer before it, since that is how long the client waited.
 */
final class Gaps {
    private Gaps() {}

    /**
     * The longest stretch, among {@code streams} (each one client's answer times, in order), that ends after
     * {@code from} and starts before {@code to}: between two answers, or from an answer to {@code to} when no
     * answer followed it by then. A stream that never answered before {@code from} counts from it.
     */
    static long longestMillis(List<List<Long>> streams, long from, long to) {
        long longest = 0;
        for (List<Long> times : streams) {
            long previous = from;
            for (long time : times) {
                if (time - to > 0) {
                    break;
                }
                if (time - from > 0) {
                    longest = Math.max(longest, time - previous);
                }
                previous = time;
            }
            longest = Math.max(longest, to - previous);
        }
        return longest / 1_000_000;
    }
}
