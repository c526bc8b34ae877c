package org.bulletinboard.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.server.replication.AckRule;

/** An embedded cluster on loopback and free ports, with short heartbeats so tests run fast. */
public final class TestCluster {
    private TestCluster() {}

    public static EmbeddedCluster.Config config(Path dataRoot, int servers) {
        int base = FreePorts.block(EmbeddedCluster.Config.portCount(servers));
        return new EmbeddedCluster.Config("127.0.0.1", "127.0.0.1", base, dataRoot, servers, 0,
                Duration.ofMillis(200), Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(50), List.of(), 0,
                AckRule.QUORUM);
    }

    public static EmbeddedCluster start(Path dataRoot, int servers) throws IOException {
        return EmbeddedCluster.start(config(dataRoot, servers));
    }
}
