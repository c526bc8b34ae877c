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
 * The whole system as separate JVMs on loopback, under load from concurrent clients: a server is SIGKILLed and
 * restarted, then the broker. Every write that got an OK must end up on all three servers exactly once, no
 * request may exhaust its retries, and the three servers must write identical derived JSON.
 */
class ProcessFaultTest {
    private static final Path LOGS = Path.of("target", "process-fault-test");
    private static final int WRITERS = 4;
    private static final int WRITES_PER_PHASE = 200;
    private static final Duration PHASE = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void acknowledgedWritesSurviveAServerCrashAndABrokerRestart() throws Exception {
        FileTree.delete(LOGS);
        int base = FreePorts.block(8);
        String clients = loopback(base);
        List<RoleProcess> roles = new ArrayList<>();
        try (ZContext context = new ZContext()) {
            roles.add(RoleProcess.start("reference", LOGS, "reference", "--bind", loopback(base + 4),
                    "--heartbeat-timeout-ms", "1500"));
            RoleProcess broker = RoleProcess.start("broker", LOGS, "broker", "--clients", clients,
                    "--servers", loopback(base + 1), "--heartbeat-ms", "250");
            roles.add(broker);
            roles.add(RoleProcess.start("proxy", LOGS, "proxy", "--publishers", loopback(base + 2),
                    "--subscribers", loopback(base + 3)));
            List<RoleProcess> servers = LoopbackServers.start(LOGS, data, base, loopback(base + 1));
            roles.addAll(servers);
            for (RoleProcess server : servers) {
                // A write is pushed to the peers its server links to; start once every server links to both others.
                Await.until(PHASE, server.log() + " to link to both peers",
                        () -> server.logLinesWith("replicating to peer") >= 2);
            }

            try (BoardClient setup = new BoardClient(context, clients, Stamper.systemClock(), Duration.ofSeconds(2), 30, () -> false)) {
                assertTrue(setup.login("reader").ok(), "the cluster answers once it is up");
                assertTrue(setup.createChannel("chaos").ok());
            }
            WriterLoad load = new WriterLoad(context, clients, "chaos", true, BoardClient.DEFAULT_TIMEOUT);
            load.start(WRITERS);
            try {
                load.awaitAcknowledged(WRITES_PER_PHASE, PHASE);
                servers.get(1).kill();
                load.awaitAcknowledged(2 * WRITES_PER_PHASE, PHASE);
                servers.get(1).restart();
                Await.until(PHASE, "the restarted server-2 to catch up and take requests again",
                        () -> servers.get(1).logLinesWith("server server-2 ready") == 2);
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE, PHASE);
                broker.kill();
                broker.restart();
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE, PHASE);
            } finally {
                load.stop();
            }
            assertEquals(List.of(), load.failures(), "requests refused or left unanswered past their retries");

            Set<String> expected = load.acknowledged();
            Await.until(PHASE, "all three servers to hold every acknowledged write", () -> {
                List<BoardView> views = List.of(read(data, 0), read(data, 1), read(data, 2));
                return views.stream().distinct().count() == 1 && written(views.get(0)).keySet().containsAll(expected);
            });
            for (RoleProcess server : servers) {
                assertTrue(server.terminate(), server.log() + ": did not stop on SIGTERM");
            }
            Map<String, Long> held = written(read(data, 0));
            assertEquals(List.of(), expected.stream().filter(text -> !held.containsKey(text)).sorted().toList(),
                    "acknowledged writes missing");
            assertEquals(Map.of(), held.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "writes applied more than once");
            assertEquals(expected.size(), held.size(), "writes held that were never acknowledged");
            for (int i = 1; i < 3; i++) {
                assertEquals(read(data, 0), read(data, i), "server-" + (i + 1) + "'s history differs from server-1's");
            }
        } finally {
            for (RoleProcess role : roles) {
                role.close();
            }
        }
    }

    /** How often each written text appears among the channel's posts and the reader's messages. */
    private static Map<String, Long> written(BoardView view) {
        return java.util.stream.Stream.of(view.posts().get("chaos"), view.messages().get("reader"))
                .filter(Objects::nonNull).flatMap(Collection::stream)
                .collect(Collectors.groupingBy(Event::message, Collectors.counting()));
    }
}
