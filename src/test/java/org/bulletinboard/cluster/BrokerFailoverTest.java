package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.bulletinboard.support.LoopbackServers.loopback;
import static org.bulletinboard.support.LoopbackServers.read;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardView;
import org.bulletinboard.server.store.Event;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.LoopbackServers;
import org.bulletinboard.support.RoleProcess;
import org.bulletinboard.support.WriterLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * Two brokers, both active, as separate JVMs on loopback: every server works for both, and clients that know both go
 * on to the other when theirs dies. Under load, one broker is SIGKILLed, started again, then the other: no request
 * exhausts its retries, every acknowledged write is on every server once, and the longest a client waits for an
 * answer stays short (printed; the bound asserted is generous, for a loaded 2-core machine).
 */
class BrokerFailoverTest {
    private static final Path LOGS = Path.of("target", "broker-failover-test");
    private static final int WRITERS = 3;
    private static final int WRITES_PER_PHASE = 150;
    private static final Duration PHASE = Duration.ofSeconds(60);
    /** Each try's timeout: a client that waited one out before going on would wait this long. */
    private static final Duration TRY_TIMEOUT = Duration.ofSeconds(5);
    /** Far above what is measured (about 120 ms), and well below a try's timeout. */
    private static final Duration GENEROUS_GAP = Duration.ofSeconds(3);

    @TempDir
    Path data;

    @Test
    void clientsGoOnToTheOtherBrokerAndNothingAcknowledgedIsLost() throws Exception {
        FileTree.delete(LOGS);
        int base = FreePorts.block(10);
        String brokersForClients = loopback(base) + "," + loopback(base + 8);
        List<RoleProcess> roles = new ArrayList<>();
        try (ZContext context = new ZContext()) {
            roles.add(RoleProcess.start("reference", LOGS, "reference", "--bind", loopback(base + 4),
                    "--heartbeat-timeout-ms", "1500"));
            RoleProcess brokerA = RoleProcess.start("broker-a", LOGS, "broker", "--clients", loopback(base),
                    "--servers", loopback(base + 1), "--heartbeat-ms", "250");
            RoleProcess brokerB = RoleProcess.start("broker-b", LOGS, "broker", "--clients", loopback(base + 8),
                    "--servers", loopback(base + 9), "--heartbeat-ms", "250");
            roles.add(brokerA);
            roles.add(brokerB);
            roles.add(RoleProcess.start("proxy", LOGS, "proxy", "--publishers", loopback(base + 2),
                    "--subscribers", loopback(base + 3)));
            List<RoleProcess> servers = LoopbackServers.start(LOGS, data, base, loopback(base + 1) + "," + loopback(base + 9));
            roles.addAll(servers);
            for (RoleProcess broker : List.of(brokerA, brokerB)) {
                Await.until(PHASE, broker.log() + " to have all three servers", () -> broker.logLinesWith(" ready (") >= 3);
            }

            try (BoardClient setup = new BoardClient(context, brokersForClients, Stamper.systemClock(),
                    Duration.ofSeconds(2), 30, () -> false)) {
                assertTrue(setup.createChannel("failover").ok(), "the cluster answers once it is up");
            }
            WriterLoad load = new WriterLoad(context, brokersForClients, "failover", false, TRY_TIMEOUT);
            load.start(WRITERS);
            long[] gaps = new long[3];
            try {
                load.awaitAcknowledged(WRITES_PER_PHASE, PHASE);
                long killed = System.nanoTime();
                brokerA.kill();
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE, PHASE);
                gaps[0] = load.longestGapSince(killed);
                brokerA.restart();
                Await.until(PHASE, "the restarted broker to have all three servers",
                        () -> brokerA.logLinesWith(" ready (") >= 6);
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE, PHASE);
                killed = System.nanoTime();
                brokerB.kill();
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE, PHASE);
                gaps[1] = load.longestGapSince(killed);
            } finally {
                load.stop();
            }
            System.out.printf("broker failover: clients went at most %d ms without an answer after the first broker"
                    + " was killed, %d ms after the second; %d writes acknowledged%n", gaps[0], gaps[1], load.count());
            assertEquals(List.of(), load.failures(), "requests refused or left unanswered past their retries");
            for (long gap : new long[] {gaps[0], gaps[1]}) {
                assertTrue(gap < GENEROUS_GAP.toMillis(), "a client waited " + gap + " ms for an answer");
            }

            Set<String> expected = load.acknowledged();
            Await.until(PHASE, "all three servers to hold every acknowledged write", () -> {
                List<BoardView> views = List.of(read(data, 0), read(data, 1), read(data, 2));
                return views.stream().distinct().count() == 1 && written(views.get(0)).keySet().containsAll(expected);
            });
            Map<String, Long> held = written(read(data, 0));
            assertEquals(Map.of(), held.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "writes applied more than once");
        } finally {
            for (RoleProcess role : roles) {
                role.close();
            }
        }
    }

    /** How often each written text appears among the channel's posts. */
    private static Map<String, Long> written(BoardView view) {
        return Stream.of(view.posts().get("failover")).filter(Objects::nonNull).flatMap(Collection::stream)
                .collect(Collectors.groupingBy(Event::message, Collectors.counting()));
    }
}
