package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

class ServerRestartTest {

    @Test
    void aRestartedServerRecoversItsStateFromItsDataDirectory(@TempDir Path dataRoot) throws Exception {
        try (EmbeddedCluster cluster = TestCluster.start(dataRoot, 3);
             ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, cluster.config().clientEndpoint(), Stamper.systemClock())) {
            assertTrue(client.login("alice").ok());
            assertTrue(client.createChannel("news").ok());
            for (int i = 0; i < 9; i++) {
                assertTrue(client.publish("alice", "news", "item " + i).ok());
            }
            assertTrue(client.message("alice", "alice", "note to self").ok());
            Await.until(Duration.ofSeconds(10), "server-2 to hold every post",
                    () -> cluster.server(1).view().postCount() == 9 && cluster.server(1).view().messageCount() == 1);
            BoardView before = cluster.server(1).view();

            cluster.stopServer(1);
            assertEquals(before, BoardStore.read(cluster.dataDir(1)), "what was in memory is on disk");
            cluster.startServer(1);
            assertEquals(before, cluster.server(1).view(), "restarted server recovered its state");
            assertTrue(cluster.awaitFullMesh(Duration.ofSeconds(10)), "restarted server rejoins replication");

            assertTrue(client.publish("alice", "news", "after restart").ok());
            Await.until(Duration.ofSeconds(10), "the new post to reach the restarted server",
                    () -> cluster.server(1).view().postCount() == 10);
            for (int i = 0; i < 3; i++) {
                assertTrue(client.users().strings("users").contains("alice"), "every server still answers");
            }
            assertEquals(List.of("news"), client.channels().strings("channels"));
        }
    }

    @Test
    void writesMadeWhileAPeerBrieflyRestartsReachItAfterwards(@TempDir Path dataRoot) throws Exception {
        // The reference server keeps the peer listed (long heartbeat timeout), so its backlog is kept and resent.
        EmbeddedCluster.Config base = TestCluster.config(dataRoot, 3);
        EmbeddedCluster.Config config = new EmbeddedCluster.Config(base.bindHost(), base.connectHost(), base.basePort(),
                dataRoot, 3, 0, base.heartbeatInterval(), Duration.ofSeconds(30), Duration.ofMillis(200), base.botInterval(), List.of(), 0,
                base.ackRule());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config)) {
            writeWhileDownThenRestart(cluster, false);
        }
    }

    @Test
    void aServerDroppedFromTheLiveListCatchesUpWhenItReturns(@TempDir Path dataRoot) throws Exception {
        try (EmbeddedCluster cluster = TestCluster.start(dataRoot, 3)) {
            writeWhileDownThenRestart(cluster, false);
        }
    }

    @Test
    void aWipedServerGetsEverythingBackFromItsPeers(@TempDir Path dataRoot) throws Exception {
        try (EmbeddedCluster cluster = TestCluster.start(dataRoot, 3)) {
            writeWhileDownThenRestart(cluster, true);
        }
    }

    /**
     * Stops server-3, writes through the others (a quorum, after the reference server dropped it unless the list
     * keeps it), restarts it.
     */
    private static void writeWhileDownThenRestart(EmbeddedCluster cluster, boolean wipe) throws Exception {
        try (ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, cluster.config().clientEndpoint(), Stamper.systemClock())) {
            assertTrue(client.login("alice").ok());
            assertTrue(client.createChannel("news").ok());
            Await.until(Duration.ofSeconds(10), "server-3 to hold the channel",
                    () -> cluster.server(2).view().channels().containsKey("news"));

            cluster.stopServer(2);
            if (cluster.config().heartbeatTimeout().compareTo(Duration.ofSeconds(5)) < 0) {
                Await.until(Duration.ofSeconds(10), "the reference server to drop server-3 from the live list",
                        () -> cluster.server(0).liveServers() == 2 && cluster.server(1).liveServers() == 2);
            }
            for (int i = 0; i < 4; i++) {
                assertTrue(client.publish("alice", "news", "while server-3 is down " + i).ok());
            }
            assertTrue(client.login("bob").ok());
            if (wipe) {
                FileTree.delete(cluster.dataDir(2));
            }
            cluster.startServer(2);

            Await.until(Duration.ofSeconds(15), "server-3 to hold the posts made while it was down",
                    () -> cluster.server(2).view().postCount() == 4);
            Await.equal(Duration.ofSeconds(10), "server-3's board to match server-1's",
                    () -> cluster.server(0).view(), () -> cluster.server(2).view());
            assertEquals(List.of("alice", "bob"), List.copyOf(cluster.server(2).view().users().keySet()));
        }
        for (int i = 0; i < 3; i++) {
            cluster.stopServer(i);
        }
        BoardView first = BoardStore.read(cluster.dataDir(0));
        for (int i = 1; i < 3; i++) {
            assertEquals(first, BoardStore.read(cluster.dataDir(i)), cluster.serverName(i) + "'s log differs from server-1's");
        }
    }
}
