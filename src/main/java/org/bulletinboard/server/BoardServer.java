package org.bulletinboard.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.ReplicaApplier;
import org.bulletinboard.server.replication.Replicator;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.zeromq.ZContext;

/**
 * A bulletin-board server: serves client requests from the broker, publishes through the proxy, keeps its
 * state durable in its data directory, replicates every change to the other live servers, and stays
 * registered with the reference server.
 */
public final class BoardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardServer.class);

    /**
     * @param peerBind      where this server's peer socket binds, e.g. {@code tcp://*:5560}
     * @param peerAddress   how other servers reach that socket, e.g. {@code tcp://server-1:5560}
     * @param ackTimeout    how long a write waits for peers' acknowledgements before it is answered anyway
     */
    public record Config(String name, Path dataDir, String brokerEndpoint, String proxyEndpoint,
                         String referenceEndpoint, String peerBind, String peerAddress,
                         Duration heartbeatInterval, Duration ackTimeout) {}

    private final Config config;
    private final ZContext context = new ZContext();
    private final BoardStore store;
    private final Replicator replicator;
    private final PeerEndpoint peerEndpoint;
    private final RequestWorker worker;
    private final ReferenceLink reference;

    private BoardServer(Config config) throws IOException {
        this.config = config;
        Stamper stamper = new Stamper(new LamportClock(), System::currentTimeMillis);
        MDC.put("role", "server");
        MDC.put("node", config.name());
        try {
            this.store = BoardStore.open(config.dataDir(), config.name(), stamper);
        } finally {
            MDC.clear();
        }
        this.replicator = new Replicator(context, config.name(), stamper, config.ackTimeout(), config.name());
        this.peerEndpoint = new PeerEndpoint(context, config.peerBind(), new ReplicaApplier(store), stamper, config.name());
        this.worker = new RequestWorker(context, config.brokerEndpoint(), config.proxyEndpoint(),
                publications -> new ClientServices(store, replicator, stamper, publications, config.ackTimeout()),
                stamper, config.name());
        this.reference = new ReferenceLink(context, config.referenceEndpoint(), config.name(), config.peerAddress(),
                config.heartbeatInterval(), stamper, replicator::updatePeers);
    }

    public static BoardServer start(Config config) throws IOException {
        return new BoardServer(config);
    }

    public String name() {
        return config.name();
    }

    /** Rank given by the reference server, 0 until registered. */
    public int rank() {
        return reference.rank();
    }

    /** How many other servers this one replicates to right now. */
    public int peerCount() {
        return replicator.peerCount();
    }

    public BoardView view() {
        return store.view();
    }

    @Override
    public void close() {
        reference.close();
        worker.close();
        peerEndpoint.close();
        replicator.close();
        try {
            store.close();
        } catch (IOException e) {
            log.warn("closing the store of {} failed: {}", config.name(), e.getMessage());
        }
        context.close();
        log.info("server {} stopped", config.name());
    }
}
