package org.bulletinboard.support;

import java.io.IOException;
import java.nio.file.Path;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/**
 * Base of the test classes whose tests share one in-process cluster and a client of it, started before the first
 * test and stopped after the last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedClusterTest {
    private ClusterWithClient running;
    protected EmbeddedCluster cluster;
    /** For the test's own sockets (subscribers, raw clients); closed with the cluster. */
    protected ZContext context;
    protected BoardClient client;

    /** The cluster to start: three servers on free loopback ports unless a test class needs more. */
    protected EmbeddedCluster.Config config(Path dataRoot) {
        return TestCluster.config(dataRoot, 3);
    }

    @BeforeAll
    protected void startCluster(@TempDir Path dataRoot) throws IOException {
        running = ClusterWithClient.start(config(dataRoot));
        cluster = running.cluster();
        context = running.context();
        client = running.client();
    }

    @AfterAll
    protected void stopCluster() {
        running.close();
    }
}
