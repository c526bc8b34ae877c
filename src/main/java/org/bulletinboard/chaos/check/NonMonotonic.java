package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * A complete read that lacks values the same client had seen in the same list before.
 *
 * @param key       the list: {@code channel:X} or {@code inbox:Y}
 * @param earlierOp the earliest of the client's reads that saw a value now missing
 * @param laterOp   the read that lacks them
 * @param missing   the values it lacks, sorted, at most five
 */
public record NonMonotonic(String process, String key, int earlierOp, int laterOp, List<String> missing)
        implements Anomaly {

    public NonMonotonic {
        missing = List.copyOf(missing);
    }

    @Override
    public List<String> ids() {
        return missing.stream().map(value -> process + " " + key + " " + value).toList();
    }
}
