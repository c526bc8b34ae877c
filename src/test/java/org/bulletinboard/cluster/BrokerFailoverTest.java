package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    /** Every post kept, so each acknowledged one is found (retention is tested apart). */
    private static final int HISTORY_KEEP = 100_000;
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
            List<RoleProcess> servers = new ArrayList<>();
            String peers = "server-1=" + loopback(base + 5) + ",server-2=" + loopback(base + 6) + ",server-3="
                    + loopback(base + 7);
            for (int i = 0; i < 3; i++) {
                int peerPort = base + 5 + i;
                servers.add(RoleProcess.start("server-" + (i + 1), LOGS, "server", "--name", "server-" + (i + 1),
                        "--data", data.resolve("server-" + (i + 1)).toString(),
                        "--broker", loopback(base + 1) + "," + loopback(base + 9), "--proxy", loopback(base + 2),
                        "--proxy-subscribers", loopback(base + 3), "--reference", loopback(base + 4),
                        "--peer-port", String.valueOf(peerPort), "--peer-bind", loopback(peerPort),
                        "--peer-address", loopback(peerPort), "--peers", peers, "--heartbeat-ms", "250",
                        "--catch-up-ms", "1000", "--history-keep", String.valueOf(HISTORY_KEEP)));
            }
            roles.addAll(servers);
            for (RoleProcess broker : List.of(brokerA, brokerB)) {
                Await.until(PHASE, broker.log() + " to have all three servers", () -> broker.logLinesWith(" ready (") >= 3);
            }

            try (BoardClient setup = new BoardClient(context, brokersForClients, Stamper.systemClock(),
                    Duration.ofSeconds(2), 30, () -> false)) {
                assertTrue(setup.createChannel("failover").ok(), "the cluster answers once it is up");
            }
            Load load = new Load(context, brokersForClients);
            load.start();
            long[] gaps = new long[3];
            try {
                load.awaitAcknowledged(WRITES_PER_PHASE);
                long killed = System.nanoTime();
                brokerA.kill();
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE);
                gaps[0] = load.longestGapSince(killed);
                brokerA.restart();
                Await.until(PHASE, "the restarted broker to have all three servers",
                        () -> brokerA.logLinesWith(" ready (") >= 6);
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE);
                killed = System.nanoTime();
                brokerB.kill();
                load.awaitAcknowledged(load.count() + WRITES_PER_PHASE);
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

            Set<String> expected = new HashSet<>(load.acknowledged());
            Await.until(PHASE, "all three servers to hold every acknowledged write", () -> {
                List<BoardView> views = List.of(read(0), read(1), read(2));
                return views.stream().distinct().count() == 1 && written(views.get(0)).keySet().containsAll(expected);
            });
            Map<String, Long> held = written(read(0));
            assertEquals(Map.of(), held.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "writes applied more than once");
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
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** How often each written text appears among the channel's posts. */
    private static Map<String, Long> written(BoardView view) {
        return Stream.of(view.posts().get("failover")).filter(Objects::nonNull).flatMap(Collection::stream)
                .collect(Collectors.groupingBy(Event::message, Collectors.counting()));
    }

    /** Writers posting to one channel through either broker, each recording when every answer came. */
    private static final class Load {
        private final ZContext context;
        private final String brokers;
        private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        /** Per writer, when each of its requests was answered (nanoTime). */
        private final List<ConcurrentLinkedQueue<Long>> answered = new ArrayList<>();
        private final AtomicInteger count = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopping;

        Load(ZContext context, String brokers) {
            this.context = context;
            this.brokers = brokers;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                String user = "writer-" + w;
                ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
                answered.add(times);
                Thread thread = new Thread(() -> write(user, times), user);
                threads.add(thread);
                thread.start();
            }
        }

        private void write(String user, ConcurrentLinkedQueue<Long> times) {
            // Never abandoned mid-request: a write applied but not acknowledged would look like an extra one.
            try (BoardClient client = new BoardClient(context, brokers, Stamper.systemClock(), TRY_TIMEOUT,
                    BoardClient.DEFAULT_ATTEMPTS, () -> false)) {
                for (int n = 0; !stopping; n++) {
                    String text = user + " #" + n;
                    Reply reply = client.publish(user, "failover", text);
                    times.add(System.nanoTime());
                    if (reply.ok()) {
                        acknowledged.add(text);
                        count.incrementAndGet();
                    } else {
                        failures.add(text + ": " + reply.error());
                    }
                }
            } catch (RequestTimeoutException e) {
                failures.add(user + ": " + e.getMessage());
            }
        }

        /** The longest any writer went without an answer from {@code since} on, in milliseconds. */
        long longestGapSince(long since) {
            long longest = 0;
            for (ConcurrentLinkedQueue<Long> times : answered) {
                long previous = since;
                for (long time : times) {
                    if (time > since) {
                        longest = Math.max(longest, time - previous);
                        previous = time;
                    }
                }
            }
            return longest / 1_000_000;
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
                thread.join(3 * TRY_TIMEOUT.toMillis() * BoardClient.DEFAULT_ATTEMPTS);
            }
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        List<String> acknowledged() {
            return List.copyOf(acknowledged);
        }
    }
}
