package org.bulletinboard.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Who acknowledges a write, and when it is given up, without sockets or waits: the time is the test's. */
class QuorumWaitsTest {
    private static final long TIMEOUT = 500;

    @ParameterizedTest(name = "{0} of {1} servers: {2} peers")
    @CsvSource({"QUORUM, 1, 0", "QUORUM, 2, 1", "QUORUM, 3, 1", "QUORUM, 4, 2", "QUORUM, 5, 2",
            "ALL, 1, 0", "ALL, 3, 2", "ALL, 5, 4"})
    void theRuleCountsConfiguredServers(AckRule rule, int servers, int peers) {
        assertEquals(peers, rule.peersNeeded(servers));
    }

    /**
     * Each step: {@code ack PEER ID @TIME} or {@code expire @TIME}; what each step decided: the ids it completed or
     * gave up, or nothing.
     */
    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("one peer of a quorum of three completes a write", 1,
                        List.of("ack s2 w1 @10"), List.of("done w1")),
                Arguments.of("the same peer twice counts once", 2,
                        List.of("ack s2 w1 @10", "ack s2 w1 @20", "ack s3 w1 @30"), List.of("-", "-", "done w1")),
                Arguments.of("an ack for an unknown or finished write changes nothing", 1,
                        List.of("ack s2 w9 @10", "ack s2 w1 @10", "ack s3 w1 @20"), List.of("-", "done w1", "-")),
                Arguments.of("a write not acknowledged in time is given up, oldest first", 1,
                        List.of("expire @499", "expire @500", "expire @501"), List.of("-", "gone w1", "gone w2")),
                Arguments.of("a write given up stays given up", 1,
                        List.of("expire @600", "ack s2 w1 @601"), List.of("gone w1, w2", "-")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void decides(String name, int needed, List<String> steps, List<String> decisions) {
        QuorumWaits waits = new QuorumWaits(needed, TIMEOUT);
        waits.add("w1", 0);
        waits.add("w2", 1);
        List<String> decided = new ArrayList<>();
        for (String step : steps) {
            String[] words = step.split(" ");
            long now = Long.parseLong(words[words.length - 1].substring(1));
            if (words[0].equals("ack")) {
                decided.add(waits.acknowledge(words[2], words[1], now) >= 0 ? "done " + words[2] : "-");
            } else {
                List<String> gone = waits.expire(now);
                decided.add(gone.isEmpty() ? "-" : "gone " + String.join(", ", gone));
            }
        }
        assertEquals(decisions, decided);
    }

    @ParameterizedTest(name = "needed {0}")
    @CsvSource({"0, false", "1, true"})
    void aLoneServerWaitsForNoOne(int needed, boolean waitsForAcks) {
        assertEquals(waitsForAcks, new QuorumWaits(needed, TIMEOUT).waits());
        assertTrue(new QuorumWaits(needed, TIMEOUT).isEmpty());
    }
}
