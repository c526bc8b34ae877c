package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * Sources that disagree on the order of one list: their orders together form a cycle.
 *
 * @param key     the list: {@code channel:X} for a channel's history, {@code inbox:Y} for a user's inbox
 * @param cycle   the values caught in the cycle, sorted
 * @param sources the sources whose orders form it, servers and boards first, then reads in history order
 */
public record OrderViolation(String key, List<String> cycle, List<String> sources) implements Anomaly {

    public OrderViolation {
        cycle = List.copyOf(cycle);
        sources = List.copyOf(sources);
    }

    @Override
    public List<String> ids() {
        return List.of(key + " " + cycle);
    }
}
