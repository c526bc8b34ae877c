package org.bulletinboard.server.election;

import java.math.BigInteger;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Ranks derived from the configured servers' names, so they need no reference server: the names in natural order
 * (a trailing number compared as a number, so {@code server-10} comes after {@code server-9}) ranked 1, 2, 3...
 * Every server configured with the same names gives each the same rank, across any restart of any role; two never
 * share one. Growing a StatefulSet adds names after the existing ones, whose ranks stay as they were.
 */
public final class ConfiguredRanks {
    /** Natural order: the part before a trailing number, then that number, then the whole name. */
    static final Comparator<String> NATURAL = Comparator.comparing(ConfiguredRanks::stem)
            .thenComparing(ConfiguredRanks::ordinal).thenComparing(Function.identity());

    private final Map<String, Integer> ranks;

    private ConfiguredRanks(Map<String, Integer> ranks) {
        this.ranks = ranks;
    }

    /** The ranks of {@code names}; none when no server is configured (a server alone takes the reference's). */
    public static ConfiguredRanks of(Collection<String> names) {
        List<String> ordered = names.stream().distinct().sorted(NATURAL).toList();
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            ranks.put(ordered.get(i), i + 1);
        }
        return new ConfiguredRanks(Map.copyOf(ranks));
    }

    /** The rank of {@code name}, or 0 if it is not configured. */
    public int rankOf(String name) {
        return ranks.getOrDefault(name, 0);
    }

    public boolean isEmpty() {
        return ranks.isEmpty();
    }

    private static String stem(String name) {
        return name.substring(0, digitsStart(name));
    }

    private static BigInteger ordinal(String name) {
        int start = digitsStart(name);
        return start == name.length() ? BigInteger.valueOf(-1) : new BigInteger(name.substring(start));
    }

    private static int digitsStart(String name) {
        int start = name.length();
        while (start > 0 && name.charAt(start - 1) >= '0' && name.charAt(start - 1) <= '9') {
            start--;
        }
        return start;
    }
}
