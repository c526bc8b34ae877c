package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;
import org.bulletinboard.server.store.Event;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.RoleProcess;
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
    /** Every write kept, so each acknowledged one is found (retention is tested apart). */
    private static final int HISTORY_KEEP = 100_000;
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
            List<RoleProcess> servers = new ArrayList<>();
            String peers = "server-1=" + loopback(base + 5) + ",server-2=" + loopback(base + 6) + ",server-3="
                    + loopback(base + 7);
            for (int i = 0; i < 3; i++) {
                int peerPort = base + 5 + i;
                servers.add(RoleProcess.start("server-" + (i + 1), LOGS, "server", "--name", "server-" + (i + 1),
                        "--data", data.resolve("server-" + (i + 1)).toString(),
                        "--broker", loopback(base + 1), "--proxy", loopback(base + 2),
                        "--proxy-subscribers", loopback(base + 3), "--reference", loopback(base + 4),
                        "--peer-port", String.valueOf(peerPort), "--peer-bind", loopback(peerPort),
                        "--peer-address", loopback(peerPort), "--peers", peers, "--heartbeat-ms", "250",
                        "--catch-up-ms", "1000", "--history-keep", String.valueOf(HISTORY_KEEP)));
            }
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
            Load load = new Load(context, clients);
            load.start();
            try {
                load.awaitAcknowledged(WRITES_PER_PHASE);
                servers.get(1).kill();
                load.awaitAcknowledged(2 * WRITES_PER_PHASE);
                servers.get(1).restart();
                Await.until(PHASE, "the restarted server-2 to catch up and take requests again",
                        () -> servers.get(1).logLinesWith("server server-2 ready") == 2);
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE);
                broker.kill();
                broker.restart();
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE);
            } finally {
                load.stop();
            }
            assertEquals(List.of(), load.failures(), "requests refused or left unanswered past their retries");

            Map<String, Long> expected = load.acknowledged();
            Await.until(PHASE, "all three servers to hold every acknowledged write", () -> {
                List<BoardView> views = List.of(read(0), read(1), read(2));
                return views.stream().distinct().count() == 1 && written(views.get(0)).keySet().containsAll(expected.keySet());
            });
            for (RoleProcess server : servers) {
                assertTrue(server.terminate(), server.log() + ": did not stop on SIGTERM");
            }
            Map<String, Long> held = written(read(0));
            assertEquals(List.of(), expected.keySet().stream().filter(text -> !held.containsKey(text)).sorted().toList(),
                    "acknowledged writes missing");
            assertEquals(Map.of(), held.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "writes applied more than once");
            assertEquals(expected.size(), held.size(), "writes held that were never acknowledged");
            for (int i = 1; i < 3; i++) {
                assertEquals(read(0), read(i), "server-" + (i + 1) + "'s history differs from server-1's");
            }
        } finally {
            for (RoleProcess role : roles) {
                role.close();
            }
        }
    }

    private static String loopback(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    private BoardView read(int server) {
        try {
            return BoardStore.read(data.resolve("server-" + (server + 1)), HISTORY_KEEP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How often each written text appears among the channel's posts and the reader's messages. */
    private static Map<String, Long> written(BoardView view) {
        return java.util.stream.Stream.of(view.posts().get("chaos"), view.messages().get("reader"))
                .filter(Objects::nonNull).flatMap(Collection::stream)
                .collect(Collectors.groupingBy(Event::message, Collectors.counting()));
    }

    /** Writers posting to a channel and messaging a user, each recording what was acknowledged. */
    private static final class Load {
        private final ZContext context;
        private final String endpoint;
        private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicInteger count = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopping;

        Load(ZContext context, String endpoint) {
            this.context = context;
            this.endpoint = endpoint;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                String user = "writer-" + w;
                Thread thread = new Thread(() -> write(user), user);
                threads.add(thread);
                thread.start();
            }
        }

        private void write(String user) {
            // Never abandoned mid-request: a write applied but not acknowledged would look like an extra one.
            try (BoardClient client = new BoardClient(context, endpoint, Stamper.systemClock(),
                    BoardClient.DEFAULT_TIMEOUT, BoardClient.DEFAULT_ATTEMPTS, () -> false)) {
                record(user + " login", client.login(user), null);
                for (int n = 0; !stopping; n++) {
                    String text = user + " #" + n;
                    Reply reply = n % 4 == 3 ? client.message(user, "reader", text) : client.publish(user, "chaos", text);
                    record(text, reply, text);
                }
            } catch (RequestTimeoutException e) {
                failures.add(user + ": " + e.getMessage());
            }
        }

        private void record(String what, Reply reply, String text) {
            if (!reply.ok()) {
                failures.add(what + ": " + reply.error());
            } else if (text != null) {
                acknowledged.add(text);
                count.incrementAndGet();
            }
        }

        int count() {
            return count.get();
        }

        void awaitAcknowledged(int writes) {
            Await.until(PHASE, writes + " acknowledged writes (failures so far: " + failures + ")",
                    () -> count.get() >= writes || !failures.isEmpty());
        }

        void stop() throws InterruptedException {
            stopping = true;
            for (Thread thread : threads) {
                thread.join(3 * BoardClient.DEFAULT_TIMEOUT.toMillis() * BoardClient.DEFAULT_ATTEMPTS);
            }
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        Map<String, Long> acknowledged() {
            return acknowledged.stream().collect(Collectors.toMap(Function.identity(), text -> 1L));
        }
    }
}
