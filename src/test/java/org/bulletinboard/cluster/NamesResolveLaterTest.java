package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.BoardServer;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.TestCluster;
import org.bulletinboard.support.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * What a StatefulSet with podManagementPolicy Parallel does to a starting cluster: every role is given by a name
 * that does not resolve yet (peers, reference, broker, proxy). Nothing may die meanwhile, and once the names
 * resolve the cluster must become whole and serve.
 */
class NamesResolveLaterTest {
    private static final String HOST = "later.names.test";

    @Test
    void aClusterWhoseNamesResolveOnlyLaterBecomesWholeAndServesWithNoThreadLost(@TempDir Path dataRoot) throws Exception {
        EmbeddedCluster.Config loopback = TestCluster.config(dataRoot, 3);
        EmbeddedCluster.Config named = new EmbeddedCluster.Config(loopback.bindHost(), HOST, loopback.basePort(),
                dataRoot, 3, 0, loopback.heartbeatInterval(), loopback.heartbeatTimeout(), loopback.ackTimeout(),
                loopback.botInterval(), List.of(), 0, loopback.ackRule());
        int deathsBefore = RoleThreads.deaths().size();
        try (TestNames names = new TestNames()) {
            CompletableFuture<EmbeddedCluster> starting = CompletableFuture.supplyAsync(() -> {
                try {
                    return EmbeddedCluster.start(named);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Every server keeps trying its names for a while, and none of their threads dies or gets stuck.
            Await.until(Duration.ofSeconds(10), "the servers to look their names up again and again",
                    () -> names.lookups() >= 60);
            for (int i = 1; i <= 3; i++) {
                assertEquals(List.of(), RoleLoop.problems("server", "server-" + i), "server-" + i + "'s loops");
            }
            names.map(HOST, "127.0.0.1");
            try (EmbeddedCluster cluster = starting.get(30, TimeUnit.SECONDS);
                 ZContext context = new ZContext();
                 BoardClient client = new BoardClient(context, loopback.clientEndpoint(), Stamper.systemClock())) {
                assertTrue(cluster.awaitFullMesh(Duration.ofSeconds(15)), "every server ready and linked to both peers");
                assertTrue(client.login("late").ok());
                assertTrue(client.createChannel("late").ok());
                assertTrue(client.publish("late", "late", "the names resolve now").ok());
                for (BoardServer server : cluster.runningServers()) {
                    Await.until(Duration.ofSeconds(10), server.name() + " to hold the post", () -> server.view()
                            .posts().getOrDefault("late", List.of()).stream()
                            .anyMatch(e -> "the names resolve now".equals(e.message())));
                }
            }
        }
        assertEquals(List.of(), RoleThreads.deaths().subList(deathsBefore, RoleThreads.deaths().size()), "threads died");
    }
}
