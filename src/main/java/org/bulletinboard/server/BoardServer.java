package org.bulletinboard.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.CatchUp;
import org.bulletinboard.server.replication.CatchUpResponder;
import org.bulletinboard.server.replication.ReplicaApplier;
import org.bulletinboard.server.replication.Replicator;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.zeromq.ZContext;

/**
 * A bulletin-board server: keeps its state durable in its data directory, replicates every change to the other
 * live servers and pulls what it missed from them, stays registered with the reference server, and, once it has
 * caught up, serves client requests from the broker with several workers and publishes through the proxy.
 */
public final class BoardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardServer.class);

    /**
     * @param peerBind      where this server's peer socket binds, e.g. {@code tcp://*:5560}
     * @param peerAddress   how other servers reach that socket, e.g. {@code tcp://server-1:5560}
     * @param ackTimeout    how long a write waits for peers' acknowledgements before it is answered anyway
     * @param catchUpInterval how often the server asks its peers for events it lacks, besides at start and
     *                      whenever the live list changes
     * @param workers       client requests served at once
     */
    public record Config(String name, Path dataDir, String brokerEndpoint, String proxyEndpoint,
                         String referenceEndpoint, String peerBind, String peerAddress,
                         Duration heartbeatInterval, Duration ackTimeout, Duration catchUpInterval, int workers) {}

    public static final int DEFAULT_WORKERS = 8;
    /** Anti-entropy rounds, in heartbeat intervals, besides those at start and on list changes. */
    public static final int CATCH_UP_EVERY_HEARTBEATS = 5;
    private static final Duration CATCH_UP_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Config config;
    private final ZContext context = new ZContext();
    private final BoardStore store;
    private final Replicator replicator;
    private final PeerEndpoint peerEndpoint;
    private final Stamper stamper;
    private final CatchUp catchUp;
    private final List<BrokerWorker> workers = new CopyOnWriteArrayList<>();
    private final ReferenceLink reference;

    private BoardServer(Config config) throws IOException {
        this.config = config;
        this.stamper = new Stamper(new LamportClock(), System::currentTimeMillis);
        MDC.put("role", "server");
        MDC.put("node", config.name());
        try {
            this.store = BoardStore.open(config.dataDir(), config.name(), stamper);
        } finally {
            MDC.clear();
        }
        this.replicator = new Replicator(context, config.name(), stamper, config.ackTimeout(), config.name());
        this.peerEndpoint = new PeerEndpoint(context, config.peerBind(), new ReplicaApplier(store),
                new CatchUpResponder(store), stamper, config.name());
        this.catchUp = new CatchUp(context, config.name(), store, stamper, config.catchUpInterval(),
                CATCH_UP_REQUEST_TIMEOUT, config.heartbeatInterval().multipliedBy(3), this::startWorkers, config.name());
        this.reference = new ReferenceLink(context, config.referenceEndpoint(), config.name(), config.peerAddress(),
                config.heartbeatInterval(), stamper, peers -> {
                    replicator.updatePeers(peers);
                    catchUp.updatePeers(peers);
                });
    }

    /** Ready: from now on the broker hands this server client requests. Runs once, after the first catch-up. */
    private void startWorkers() {
        for (int i = 1; i <= config.workers(); i++) {
            workers.add(new BrokerWorker(context, config.brokerEndpoint(), config.proxyEndpoint(),
                    config.heartbeatInterval(),
                    publications -> new ClientServices(store, replicator, stamper, publications, config.ackTimeout()),
                    stamper, config.name(), i));
        }
        log.info("server {} ready: {} workers take client requests from {}",
                config.name(), config.workers(), config.brokerEndpoint());
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

    /** Whether the server has caught up once and takes client requests. */
    public boolean ready() {
        return !workers.isEmpty();
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
        catchUp.close(); // first, so no workers start after this
        workers.forEach(BrokerWorker::close);
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
