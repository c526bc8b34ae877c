package org.bulletinboard.support;

import java.io.IOException;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/** An in-process cluster and a client of it, for a test class's lifetime; closing stops both. */
public final class ClusterWithClient implements AutoCloseable {
    private final EmbeddedCluster cluster;
    private final ZContext context = new ZContext();
    private final BoardClient client;

    private ClusterWithClient(EmbeddedCluster cluster) {
        this.cluster = cluster;
        this.client = new BoardClient(context, cluster.config().clientEndpoint(), Stamper.systemClock());
    }

    public static ClusterWithClient start(EmbeddedCluster.Config config) throws IOException {
        return new ClusterWithClient(EmbeddedCluster.start(config));
    }

    public EmbeddedCluster cluster() {
        return cluster;
    }

    /** For the test's own sockets (subscribers, raw clients); closed with the cluster. */
    public ZContext context() {
        return context;
    }

    public BoardClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        context.close();
        cluster.close();
    }
}
