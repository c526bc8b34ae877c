package org.bulletinboard.server.election;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfiguredRanksTest {
    @Test
    void ranksFollowTheNamesInNaturalOrderWhateverOrderTheyAreConfiguredIn() {
        ConfiguredRanks ranks = ConfiguredRanks.of(List.of("bb-server-10", "bb-server-2", "bb-server-0", "bb-server-1"));
        assertEquals(List.of(1, 2, 3, 4), List.of(ranks.rankOf("bb-server-0"), ranks.rankOf("bb-server-1"),
                ranks.rankOf("bb-server-2"), ranks.rankOf("bb-server-10")));
        assertEquals(0, ranks.rankOf("bb-server-3"), "not configured");
    }

    @Test
    void growingAStatefulSetKeepsTheRanksOfTheServersAlreadyThere() {
        ConfiguredRanks three = ConfiguredRanks.of(List.of("s-0", "s-1", "s-2"));
        ConfiguredRanks five = ConfiguredRanks.of(List.of("s-0", "s-1", "s-2", "s-3", "s-4"));
        for (String name : List.of("s-0", "s-1", "s-2")) {
            assertEquals(three.rankOf(name), five.rankOf(name), name);
        }
    }

    @Test
    void namesWithoutNumbersAndDuplicatesStillGetUniqueRanks() {
        ConfiguredRanks ranks = ConfiguredRanks.of(List.of("beta", "alpha", "alpha7", "alpha", "alpha07"));
        assertEquals(List.of(1, 2, 3, 4), List.of(ranks.rankOf("alpha"), ranks.rankOf("alpha07"),
                ranks.rankOf("alpha7"), ranks.rankOf("beta")));
    }
}
