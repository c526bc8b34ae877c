package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.bulletinboard.clock.PhysicalClock;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.MsgPackCodec;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.server.BoardServer;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.RawClient;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Berkeley synchronisation and Bully election in a running cluster, and their messages in the course's format. */
class ClockAndElectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SYNC_INTERVAL = Duration.ofMillis(300);

    @TempDir
    Path dataRoot;

    @Test
    void clocksSkewedByFiveSecondsAgreeWithinFiftyMillisecondsAfterTwoRounds() throws Exception {
        List<BoardServer.ClockSettings> skews = List.of(
                new BoardServer.ClockSettings(-5_000, 0, SYNC_INTERVAL),
                new BoardServer.ClockSettings(0, 0, SYNC_INTERVAL),
                new BoardServer.ClockSettings(5_000, 200, SYNC_INTERVAL));
        try (EmbeddedCluster cluster = EmbeddedCluster.start(TestCluster.config(dataRoot, 3).withClocks(skews))) {
            assertTrue(spread(cluster) > 9_000, "skewed at start: " + spread(cluster) + " ms");
            BoardServer coordinator = awaitOneCoordinator(cluster);
            long first = coordinator.clockRounds();
            Await.until(WAIT, "two Berkeley rounds", () -> coordinator.clockRounds() >= first + 2);
            double targets = spread(cluster, BoardServer::physicalClock, true);
            System.out.printf("clock targets' spread after two rounds: %.3f ms%n", targets);
            assertTrue(targets < 50, "after two rounds the clocks are headed " + targets + " ms apart");
            // The corrections are slewed (at most 90% of the clock's rate), so 5 s take about 5.6 s to absorb.
            Await.until(WAIT, "the corrections to be slewed in", () -> IntStream.range(0, 3)
                    .allMatch(i -> Math.abs(cluster.server(i).physicalClock().pendingCorrection()) < 1));
            double spread = spread(cluster);
            System.out.printf("clock spread after %d rounds: %.3f ms%n", coordinator.clockRounds(), spread);
            assertTrue(spread < 50, "clocks still " + spread + " ms apart");
        }
    }

    @Test
    void theHighestRankLeadsAFailoverElectsTheNextAndARestartTakesOver() throws Exception {
        try (EmbeddedCluster cluster = TestCluster.start(dataRoot, 3)) {
            BoardServer first = awaitOneCoordinator(cluster);
            int highest = IntStream.range(0, 3).map(i -> cluster.server(i).rank()).max().orElseThrow();
            assertEquals(highest, first.rank(), "the highest rank is coordinator");

            int index = indexOf(cluster, first);
            long killed = System.nanoTime();
            cluster.stopServer(index);
            BoardServer second = awaitOneCoordinator(cluster);
            System.out.printf("failover: %s known to every live server as coordinator after %d ms%n",
                    second.name(), (System.nanoTime() - killed) / 1_000_000);
            int nextHighest = IntStream.range(0, 3).filter(i -> cluster.server(i) != null)
                    .map(i -> cluster.server(i).rank()).max().orElseThrow();
            assertEquals(nextHighest, second.rank());

            cluster.startServer(index);
            Await.until(WAIT, "the restarted highest rank to be coordinator everywhere",
                    () -> IntStream.range(0, 3).allMatch(i -> first.name().equals(cluster.server(i).coordinator())));
        }
    }

    @Test
    void aRestartedReferenceServerChangesNoRankAndNoCoordinator() throws Exception {
        EmbeddedCluster.Config config = TestCluster.config(dataRoot, 3);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config);
             ZContext context = new ZContext();
             RawClient reference = new RawClient("tcp://127.0.0.1:" + (config.basePort() + 4))) {
            ZMQ.Socket announcements = context.createSocket(SocketType.SUB);
            announcements.setReceiveTimeOut(100);
            announcements.subscribe("servers".getBytes(ZMQ.CHARSET));
            announcements.connect(config.subscriberEndpoint());
            BoardServer coordinator = awaitOneCoordinator(cluster);
            List<Integer> ranks = IntStream.range(0, 3).mapToObj(i -> cluster.server(i).rank()).toList();
            assertEquals(List.of(1, 2, 3), ranks, "ranked by their configured names");

            Set<String> announced = new TreeSet<>();
            for (int restart = 0; restart < 2; restart++) {
                cluster.restartReference();
                // The new reference server learns every server again, each at the rank it claims.
                Await.until(WAIT, "the restarted reference server to list all three at their ranks", () -> {
                    collect(announcements, announced);
                    return reference.call("list", Map.of()).data().get("list") instanceof List<?> list
                            && list.stream().map(e -> ((Map<?, ?>) e).get("name") + "=" + ((Map<?, ?>) e).get("rank"))
                            .toList().equals(IntStream.range(0, 3).mapToObj(i -> cluster.serverName(i) + "=" + (i + 1))
                                    .toList());
                });
            }
            // Announcements go on every interval: a few more, and none from anyone but the coordinator.
            int seen = announced.size();
            long more = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (more < 5 && System.nanoTime() < deadline) {
                more += collect(announcements, announced);
            }
            assertTrue(more >= 5, "announcements go on");
            assertEquals(Set.of(coordinator.name()), announced, "only the coordinator announced itself (" + seen + ")");
            assertEquals(ranks, IntStream.range(0, 3).mapToObj(i -> cluster.server(i).rank()).toList());
            assertEquals(coordinator, cluster.agreedCoordinator().orElseThrow());
        }
    }

    /** Adds the coordinators announced since the last call; returns how many announcements came. */
    private static int collect(ZMQ.Socket announcements, Set<String> coordinators) {
        int count = 0;
        String topic;
        while ((topic = announcements.recvStr()) != null) {
            assertEquals("servers", topic);
            try {
                coordinators.add((String) Envelope.decode(announcements.recv()).data().get("coordinator"));
            } catch (ProtocolException e) {
                throw new AssertionError("an unreadable announcement", e);
            }
            count++;
        }
        return count;
    }

    @Test
    void clockAndElectionSpeakTheCourseProtocol() throws Exception {
        EmbeddedCluster.Config config = TestCluster.config(dataRoot, 2);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config);
             ZContext context = new ZContext();
             RawClient peer = new RawClient(cluster.peerEndpoint(0))) {
            Envelope clock = peer.send(MsgPackCodec.encode(Map.of("service", "clock", "data", Map.of())));
            assertEquals("clock", clock.service());
            double seconds = assertInstanceOf(Double.class, clock.data().get("time"));
            assertTrue(Math.abs(seconds * 1000 - System.currentTimeMillis()) < 60_000, "epoch seconds: " + seconds);

            Envelope election = peer.send(MsgPackCodec.encode(Map.of("service", "election", "data", Map.of())));
            assertEquals("election", election.service());
            assertEquals("OK", election.data().get("election"));

            ZMQ.Socket announcements = context.createSocket(SocketType.SUB);
            announcements.setReceiveTimeOut(5_000);
            announcements.subscribe("servers".getBytes(ZMQ.CHARSET));
            announcements.connect(config.subscriberEndpoint());
            assertEquals("servers", announcements.recvStr(), "an announcement on topic servers");
            Envelope announcement = Envelope.decode(announcements.recv());
            assertEquals("election", announcement.service());
            String coordinator = (String) announcement.data().get("coordinator");
            assertTrue(List.of(cluster.serverName(0), cluster.serverName(1)).contains(coordinator), coordinator);
            assertNotNull(announcement.data().get("clock"), "stamped with a Lamport clock");
        }
    }

    /** Waits until every running server follows the same coordinator, and returns it. */
    private static BoardServer awaitOneCoordinator(EmbeddedCluster cluster) {
        Await.until(WAIT, "every running server to follow one coordinator", () -> cluster.agreedCoordinator().isPresent());
        return cluster.agreedCoordinator().orElseThrow();
    }

    private static int indexOf(EmbeddedCluster cluster, BoardServer server) {
        return IntStream.range(0, cluster.config().servers()).filter(i -> cluster.server(i) == server).findFirst().orElseThrow();
    }

    /** The largest difference between running servers' clocks, read back to back in this process. */
    private static double spread(EmbeddedCluster cluster) {
        return spread(cluster, BoardServer::physicalClock, false);
    }

    /** The same for the clocks' readings or, with {@code targets}, where they are headed once slewed. */
    private static double spread(EmbeddedCluster cluster, Function<BoardServer, PhysicalClock> clock, boolean targets) {
        double[] readings = cluster.runningServers().stream().map(clock)
                .mapToDouble(c -> targets ? c.targetMillis() : c.exactMillis()).toArray();
        return Arrays.stream(readings).max().orElse(0) - Arrays.stream(readings).min().orElse(0);
    }
}
