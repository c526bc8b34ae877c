package org.bulletinboard.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.net.StateLog;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.clock.PhysicalClock;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.protocol.WorkerFrames;
import org.bulletinboard.server.election.Bully;
import org.bulletinboard.server.election.ConfiguredRanks;
import org.bulletinboard.server.election.ClockSync;
import org.bulletinboard.server.replication.CatchUp;
import org.bulletinboard.server.replication.CatchUpResponder;
import org.bulletinboard.server.replication.Peer;
import org.bulletinboard.server.replication.ReplicaApplier;
import org.bulletinboard.server.replication.AckRule;
import org.bulletinboard.server.replication.Replicator;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.zeromq.ZContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import org.bulletinboard.server.store.DataDirectoryLock;

/**
 * A bulletin-board server: keeps its state durable in its data directory, replicates every change to the other
 * live servers and pulls what it missed from them, stays registered with the reference server, takes part in
 * Bully elections and (as coordinator) Berkeley clock rounds, and, once it has caught up, serves client requests
 * from the broker and publishes through the proxy. Requests, replication and publications all go through one
 * event loop ({@link ServerLoop}); elections, clock rounds, catch-up and the reference server's heartbeats have a
 * thread each, as they wait on other servers at their own pace.
 */
public final class BoardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardServer.class);

    /**
     * @param proxyEndpoint       where publications go (the proxy's XSUB side)
     * @param proxySubscribers    where coordinator announcements come from (the proxy's XPUB side)
     * @param peerBind            where this server's peer socket binds, e.g. {@code tcp://*:5560}
     * @param peerAddress         how other servers reach that socket, e.g. {@code tcp://server-1:5560}
     * @param peers               the servers of the cluster, by name, and where this server reaches each (this one
     *                            may be among them): a write is acknowledged by a quorum of them, and a server is
     *                            ready once caught up from a quorum; their names give the ranks elections go
     *                            by. Configuration, not the reference server's live list, which only lists who
     *                            takes part in clock rounds; empty: alone, ranked by the reference server
     * @param ackTimeout          how long a write waits for peers' acknowledgements before it is answered anyway
     * @param catchUpInterval     how often the server asks its peers for events it lacks, besides at start and
     *                            whenever the live list changes
     * @param ackRule             whose acknowledgements a write waits for before it is answered
     * @param storage             how the store keeps its data (its checkpoint interval is staggered per process)
     */
    public record Config(String name, Path dataDir, String brokerEndpoint, String proxyEndpoint,
                         String proxySubscribers, String referenceEndpoint, String peerBind, String peerAddress,
                         Map<String, String> peers, Duration heartbeatInterval, Duration ackTimeout, Duration catchUpInterval,
                         AckRule ackRule, ClockSettings clock, BoardStore.Settings storage) {

        /** The other configured servers, by name. */
        List<Peer> otherServers() {
            return peers.entrySet().stream().filter(entry -> !entry.getKey().equals(name)).sorted(Map.Entry.comparingByKey())
                    .map(entry -> new Peer(entry.getKey(), 0, entry.getValue())).toList();
        }
    }

    /**
     * @param skewMillis   added to the machine's clock at start (to make synchronisation visible on one machine)
     * @param driftPpm     how much faster the clock runs, in parts per million
     * @param syncInterval Berkeley rounds on a timer, besides every 10 client requests the coordinator handles
     */
    public record ClockSettings(long skewMillis, double driftPpm, Duration syncInterval) {
        public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(5);

        public static ClockSettings exact() {
            return new ClockSettings(0, 0, DEFAULT_SYNC_INTERVAL);
        }
    }

    /** Anti-entropy rounds, in heartbeat intervals, besides the first at start. */
    public static final int CATCH_UP_EVERY_HEARTBEATS = 5;
    /** The timer, in a server's metrics, of its loop's wait for each fsync of its log. */
    public static final String FSYNC_TIMER = "bbs.store.fsync";
    private static final Duration PEER_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Config config;
    private final ZContext context = Sockets.roleContext();
    private final ServerMetrics metrics;
    private final PhysicalClock physical;
    private final Stamper stamper;
    private final BoardStore store;
    private final ServerLoop serverLoop;
    private final Replicator replicator;
    private final Bully bully;
    private final ClockSync clockSync;
    private final StatusReport status;
    private final CatchUp catchUp;
    private volatile boolean serving;
    /** Ranks from the configured names; none for a server configured alone, which takes the reference's. */
    private final ConfiguredRanks ranks;
    /** Every configured server (this one included) at its rank and address: who takes part in elections. */
    private final List<Peer> configured;
    /** The reference server's latest live list (this server included); empty until the first one. */
    private volatile List<Peer> live = List.of();
    private final ReferenceLink reference;
    private final StateLog membership = new StateLog(log);

    /**
     * Recovers the store in the directory whose lock is given, binds the peer socket (so a port in use stops the
     * server before any thread runs), then starts the loops; on failure, closes what it started.
     */
    private BoardServer(Config config, DataDirectoryLock lock, MeterRegistry registry) throws IOException {
        this.config = config;
        this.ranks = ConfiguredRanks.of(config.peers().isEmpty() ? List.of()
                : Stream.concat(config.peers().keySet().stream(), Stream.of(config.name())).toList());
        this.configured = Stream.concat(config.otherServers().stream(), Stream.of(new Peer(config.name(), 0,
                config.peerAddress()))).map(peer -> new Peer(peer.name(), ranks.rankOf(peer.name()), peer.address()))
                .toList();
        this.metrics = new ServerMetrics(registry);
        this.physical = PhysicalClock.system(config.clock().skewMillis(), config.clock().driftPpm());
        this.stamper = new Stamper(new LamportClock(), physical::millis);
        MDC.put("role", "server");
        MDC.put("node", config.name());
        try {
            this.store = BoardStore.open(lock, config.dataDir(), config.name(), stamper, config.storage().staggered());
        } finally {
            MDC.clear();
        }
        try {
            this.serverLoop = new ServerLoop(context, config.name(), config.peerBind());
            // Everything the loop uses exists before it starts.
            this.replicator = new Replicator(context, config.name(), config.otherServers(), stamper,
                    config.ackTimeout(), config.ackTimeout(), config.heartbeatInterval(), config.ackRule(),
                    metrics::acked);
            this.bully = new Bully(context, config.name(), config.proxyEndpoint(), config.proxySubscribers(), stamper,
                    config.heartbeatInterval(), config.heartbeatInterval(), this::candidates, () -> live, this::rank,
                    config.name());
            this.clockSync = new ClockSync(context, config.name(), stamper, physical, config.clock().syncInterval(),
                    config.heartbeatInterval(), () -> live, bully::isCoordinator, config.name());
            this.status = new StatusReport(context, config.name(), stamper, physical, config.otherServers(),
                    this::candidates, this::statusRow);
            ClientServices clients = new ClientServices(store, clockSync::requestHandled, status::collect);
            PeerServices peerServices = new PeerServices(new ReplicaApplier(store), new CatchUpResponder(store), physical, bully,
                    status, new BoardReads(store));
            serverLoop.start(new ServerLoop.Parts(store, clients, peerServices, replicator, stamper, metrics),
                    new ServerLoop.Links(config.brokerEndpoint(), config.proxyEndpoint(), config.heartbeatInterval(),
                            config.ackTimeout(), config.heartbeatInterval().multipliedBy(WorkerFrames.LIVENESS)),
                    this::stopServing);
            this.catchUp = new CatchUp(context, config.name(), config.otherServers(), store, serverLoop::applyCaughtUp, stamper,
                    config.catchUpInterval(), PEER_REQUEST_TIMEOUT, this::startServing, config.name());
            this.reference = new ReferenceLink(context, config.referenceEndpoint(), config.name(), config.peerAddress(),
                    ranks.rankOf(config.name()), config.heartbeatInterval(), stamper, this::listed);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        registerMetrics();
    }

    /**
     * Starts a server on a data directory whose lock the caller holds ({@link DataDirectoryLock}); the server holds
     * it from now on, until it closes.
     */
    public static BoardServer start(Config config, DataDirectoryLock lock, MeterRegistry metrics) throws IOException {
        return new BoardServer(config, lock, metrics);
    }

    private void registerMetrics() {
        metrics.gauge("bbs.store.events", "events this server holds", store::eventCount);
        metrics.counter("bbs.store.events.written", "events written to the log since start", store,
                BoardStore::eventsWritten);
        metrics.counter("bbs.store.fsyncs", "times the log was forced to disk since start", store, BoardStore::fsyncs);
        metrics.gauge("bbs.store.events.per.fsync", "events written per fsync since start",
                () -> store.fsyncs() == 0 ? 0 : (double) store.eventsWritten() / store.fsyncs());
        metrics.gauge("bbs.store.log.bytes", "bytes of log segments kept (compacted behind each checkpoint)",
                store::logBytes);
        metrics.gauge("bbs.replication.unacked", "events sent to peers and not acknowledged yet",
                replicator::unackedEvents);
        metrics.gauge("bbs.replication.peers", "peers this server replicates to", replicator::peerCount);
        metrics.counter("bbs.catchup.events", "events pulled from peers by catching up", catchUp, CatchUp::eventsPulled);
        metrics.gauge("bbs.peers.live", "other servers in the reference server's live list",
                () -> Math.max(0, live.size() - 1));
        metrics.gauge("bbs.rank", "this server's rank, 0 until registered", this::rank);
        metrics.gauge("bbs.coordinator.rank", "rank of the coordinator this server follows, 0 if none",
                () -> bully.coordinator().map(Bully.Coordinator::rank).orElse(0));
        metrics.gauge("bbs.clock.offset.ms", "this server's physical clock minus the machine's clock",
                () -> physical.exactMillis() - System.currentTimeMillis());
        metrics.gauge("bbs.clock.pending.correction.ms", "Berkeley correction still being slewed in",
                physical::pendingCorrection);
        metrics.gauge("bbs.lamport.clock", "this server's Lamport clock", () -> stamper.lamport().current());
        metrics.counter("bbs.lamport.jumps.bounded", "received clocks further ahead than a jump may go, taken at that",
                stamper.lamport(), LamportClock::boundedJumps);
        metrics.gauge("bbs.workers.connected", "links to the broker that hear it (one per server)",
                () -> serverLoop.brokerConnected() ? 1 : 0);
    }

    /**
     * Takes the reference server's live list, for elections, clock rounds and the ranks in {@code status}. A live
     * server that is not configured here gets nothing from this one (a cluster configured in parts): said once.
     */
    private void listed(List<Peer> listed) {
        List<String> strangers = listed.stream().map(Peer::name)
                .filter(name -> !name.equals(config.name()) && !config.peers().containsKey(name)).sorted().toList();
        membership.enter(strangers.toString(), !strangers.isEmpty(), strangers.isEmpty()
                ? "every live server is configured" : "live servers {} are not among this server's --peers {}: it does"
                + " not replicate to them nor count them in a quorum", strangers, config.peers().keySet());
        live = routed(listed);
    }

    /** The live list with each configured server at its configured address. */
    private List<Peer> routed(List<Peer> listed) {
        return listed.stream().map(peer -> {
            String route = config.peers().get(peer.name());
            return route == null ? peer : new Peer(peer.name(), peer.rank(), route);
        }).toList();
    }

    /**
     * Who elections are held among: the configured servers, whose ranks no reference server's restart or partial live
     * list can change, so a coordinator is replaced only when it falls silent; a server configured alone goes by the
     * live list.
     */
    private List<Peer> candidates() {
        return ranks.isEmpty() ? live : configured;
    }

    /** Ready: from now on the broker hands this server client requests. Runs after each catch-up from a quorum. */
    private void startServing() {
        serverLoop.serveClients();
        serving = true;
        log.info("server {} ready: takes client requests from {}, up to {} at once",
                config.name(), config.brokerEndpoint(), ServerLoop.CAPACITY);
    }

    /** The loop stopped taking clients, hearing too few peers for a quorum: serve again once caught up again. */
    private void stopServing() {
        serving = false;
        catchUp.catchUpAgain();
    }

    /**
     * Why this server does not serve yet, for {@code /readyz}: it must be registered with the reference server,
     * have caught up from its peers, and hear the broker.
     */
    public Optional<String> notReadyBecause() {
        Optional<IOException> failed = store.failure();
        if (failed.isPresent()) {
            return Optional.of("storage failed: " + failed.get().getMessage());
        }
        if (rank() == 0) {
            return Optional.of("not registered with the reference server at " + config.referenceEndpoint() + " yet");
        }
        if (!serving) {
            return Optional.of(catchUp.progress());
        }
        if (!serverLoop.brokerConnected()) {
            return Optional.of("does not hear the broker at " + config.brokerEndpoint() + " yet");
        }
        return Optional.empty();
    }

    /** This server's line of the {@code status} table. */
    private Map<String, Object> statusRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", config.name());
        row.put("rank", rank());
        row.put("coordinator", bully.isCoordinator());
        row.put("ready", ready());
        row.put("clock", stamper.lamport().current());
        row.put("time", physical.exactMillis() / 1000.0);
        row.put("events", store.eventCount());
        row.put("digest", store.digest().substring(0, 8));
        row.put("heartbeat_age_ms", reference == null ? -1 : reference.heartbeatAgeMillis());
        return row;
    }

    public String name() {
        return config.name();
    }

    /** Rank from the configured names; for a server configured alone, the reference server's (0 until registered). */
    public int rank() {
        int configuredRank = ranks.rankOf(config.name());
        ReferenceLink link = reference;
        return configuredRank > 0 ? configuredRank : link == null ? 0 : link.rank();
    }

    /**
     * Completed with its log's failure once the server has stopped serving because of it (fail-stop): what was not
     * on disk then is lost here, so the server must be closed and started again from its disk.
     */
    public CompletableFuture<IOException> storageFailure() {
        return serverLoop.storageFailure();
    }

    /** Whether the server has caught up once and takes client requests. */
    public boolean ready() {
        return serving;
    }

    /** How many other configured servers this one is connected to (their names resolve). */
    public int peerCount() {
        return replicator.peerCount();
    }

    /** How many servers, this one included, the reference server last listed as live. */
    public int liveServers() {
        return live.size();
    }

    /** The coordinator this server follows, if it knows one. */
    public String coordinator() {
        return bully.coordinator().map(Bully.Coordinator::name).orElse(null);
    }

    public PhysicalClock physicalClock() {
        return physical;
    }

    /** Berkeley rounds this server has run as coordinator. */
    public long clockRounds() {
        return clockSync.rounds();
    }

    public BoardView view() {
        return store.view();
    }

    /** How many events this server holds. */
    public long eventCount() {
        return store.eventCount();
    }

    @Override
    /**
     * Stops cleanly (SIGTERM comes here): catch-up stops (so serving does not start after this); the loop finishes
     * the writes in hand and leaves the broker; the server leaves the reference server's live list; the other
     * loops stop; the store writes a checkpoint. Also closes what a failed start had started.
     */
    public void close() {
        closeAll(catchUp, serverLoop, reference, clockSync, bully, metrics);
        try {
            store.close();
        } catch (IOException e) {
            log.warn("closing the store of {} failed: {}", config.name(), e.getMessage());
        }
        context.close();
        log.info("server {} stopped", config.name());
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue; // not started: the start failed before it
            }
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
