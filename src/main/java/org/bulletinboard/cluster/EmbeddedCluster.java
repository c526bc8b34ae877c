package org.bulletinboard.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bulletinboard.bot.Bot;
import org.bulletinboard.health.HealthEndpoint;
import org.bulletinboard.health.RoleMetrics;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.DataDirectoryLock;
import org.bulletinboard.broker.Broker;
import org.bulletinboard.proxy.PubSubProxy;
import org.bulletinboard.reference.ReferenceServer;
import org.bulletinboard.server.BoardServer;
import org.bulletinboard.server.ServerSupervisor;
import org.bulletinboard.server.replication.AckRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process: reference server, broker, proxy, N servers and M bots, on consecutive
 * ports from a base port. Each role keeps its own metrics and, if {@code httpBasePort} is set, serves its own
 * health endpoint: reference, broker, proxy, then the servers and the bots, on consecutive ports from it. Used by
 * {@code bbs cluster} and by the integration tests.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);

    /**
     * @param bindHost    interface the sockets bind ({@code *} for all, {@code 127.0.0.1} for loopback only)
     * @param connectHost how the roles reach each other
     * @param basePort    broker clients; then broker servers, proxy publishers, proxy subscribers, reference,
     *                    and one peer port per server
     * @param clocks      each server's clock settings by index; servers beyond the list run exact clocks
     * @param httpBasePort the first of the roles' health endpoints' ports; 0 for none
     * @param brokerPack  requests the broker packs onto one server before the next gets any
     * @param storage     how the servers keep their data
     * @param fronts      how many brokers and proxies run, all active; those beyond the first take ports after the
     *                    servers' (see {@link #brokerPort}, {@link #proxyPort})
     */
    public record Config(String bindHost, String connectHost, int basePort, Path dataRoot, int servers, int bots,
                         Duration heartbeatInterval, Duration heartbeatTimeout, Duration ackTimeout,
                         Duration botInterval, List<BoardServer.ClockSettings> clocks, int httpBasePort,
                         AckRule ackRule, int brokerPack, BoardStore.Settings storage, Fronts fronts) {

        /** With the broker's default packing. */
        public Config(String bindHost, String connectHost, int basePort, Path dataRoot, int servers, int bots,
                      Duration heartbeatInterval, Duration heartbeatTimeout, Duration ackTimeout,
                      Duration botInterval, List<BoardServer.ClockSettings> clocks, int httpBasePort,
                      AckRule ackRule) {
            this(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval, heartbeatTimeout,
                    ackTimeout, botInterval, clocks, httpBasePort, ackRule, Broker.DEFAULT_PACK,
                    BoardStore.Settings.defaults(), Fronts.ONE);
        }

        public static Config defaults(int basePort, Path dataRoot) {
            return new Config("*", "127.0.0.1", basePort, dataRoot, 3, 2, Duration.ofSeconds(1),
                    Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(500), List.of(), 0,
                    AckRule.QUORUM);
        }

        /** Loopback only, no bots, default timings, no health endpoints: for benchmarks. */
        public static Config loopback(int basePort, Path dataRoot, int servers) {
            return new Config("127.0.0.1", "127.0.0.1", basePort, dataRoot, servers, 0, Duration.ofSeconds(1),
                    Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(500), List.of(), 0,
                    AckRule.QUORUM);
        }

        public Config withClocks(List<BoardServer.ClockSettings> settings) {
            return new Config(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval,
                    heartbeatTimeout, ackTimeout, botInterval, List.copyOf(settings), httpBasePort, ackRule, brokerPack, storage, fronts);
        }

        /** Health endpoints for every role, on consecutive ports from {@code port}. */
        public Config withHttp(int port) {
            return new Config(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval,
                    heartbeatTimeout, ackTimeout, botInterval, clocks, port, ackRule, brokerPack, storage, fronts);
        }

        /** Writes answered once the peers this rule asks for have acknowledged them. */
        public Config withAckRule(AckRule rule) {
            return new Config(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval,
                    heartbeatTimeout, ackTimeout, botInterval, clocks, httpBasePort, rule, brokerPack, storage, fronts);
        }

        /** Requests the broker packs onto one server before the next gets any ({@link Broker.Config#pack}). */
        public Config withBrokerPack(int pack) {
            return new Config(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval,
                    heartbeatTimeout, ackTimeout, botInterval, clocks, httpBasePort, ackRule, pack, storage, fronts);
        }

        /** How the servers keep their data. */
        public Config withStorage(BoardStore.Settings settings) {
            return new Config(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval,
                    heartbeatTimeout, ackTimeout, botInterval, clocks, httpBasePort, ackRule, brokerPack, settings, fronts);
        }

        /** Runs {@code brokers} brokers and {@code proxies} proxies: servers work for every broker and publish to every proxy. */
        public Config withFronts(int brokers, int proxies) {
            return new Config(bindHost, connectHost, basePort, dataRoot, servers, bots, heartbeatInterval,
                    heartbeatTimeout, ackTimeout, botInterval, clocks, httpBasePort, ackRule, brokerPack, storage,
                    new Fronts(brokers, proxies));
        }

        /**
         * The port of broker {@code index}'s clients' socket; its workers' socket is the next. The first broker's
         * are the base port and the next; the others' follow the servers' peer ports.
         */
        int brokerPort(int index) {
            return index == 0 ? basePort : basePort + portCount(servers) + 2 * (index - 1);
        }

        /** The port of proxy {@code index}'s publishers' socket; its subscribers' socket is the next. */
        int proxyPort(int index) {
            return index == 0 ? basePort + 2 : basePort + portCount(servers) + 2 * (fronts.brokers() - 1) + 2 * (index - 1);
        }

        /** Ports this cluster takes from its base port. */
        public int ports() {
            return portCount(servers) + 2 * (fronts.brokers() - 1) + 2 * (fronts.proxies() - 1);
        }

        /** Every broker's socket for servers, comma-separated. */
        String workerEndpoints() {
            return joined(fronts.brokers(), index -> connect(brokerPort(index) + 1));
        }

        /** Every proxy's socket for publishers, comma-separated. */
        String publisherEndpoints() {
            return joined(fronts.proxies(), index -> connect(proxyPort(index)));
        }

        private static String joined(int count, java.util.function.IntFunction<String> endpoint) {
            return String.join(",", java.util.stream.IntStream.range(0, count).mapToObj(endpoint).toList());
        }

        /** Ports the health endpoints of a cluster of {@code servers} servers and {@code bots} bots take. */
        public static int httpPortCount(int servers, int bots) {
            return 3 + servers + bots;
        }

        /** The interface for HTTP, which takes an address where ZeroMQ takes {@code *}. */
        String httpBindHost() {
            return "*".equals(bindHost) ? "0.0.0.0" : bindHost;
        }

        BoardServer.ClockSettings clock(int index) {
            return index < clocks.size() ? clocks.get(index) : BoardServer.ClockSettings.exact();
        }

        /** Ports a cluster of {@code servers} servers takes from its base port. */
        public static int portCount(int servers) {
            return 5 + servers;
        }

        /** Every broker's socket for clients, comma-separated: a client goes on to the next when one is lost. */
        public String clientEndpoint() {
            return joined(fronts.brokers(), index -> connect(brokerPort(index)));
        }

        public String subscriberEndpoint() {
            return connect(basePort + 3);
        }

        /**
         * Every proxy's socket for subscribers, comma-separated: a subscriber of all (each publication kept once) loses
         * none when one goes.
         */
        public String subscriberEndpoints() {
            return joined(fronts.proxies(), index -> connect(proxyPort(index) + 1));
        }

        String bind(int port) {
            return "tcp://" + bindHost + ":" + port;
        }

        String connect(int port) {
            return "tcp://" + connectHost + ":" + port;
        }
    }

    /** How many brokers and proxies run. */
    public record Fronts(int brokers, int proxies) {
        public static final Fronts ONE = new Fronts(1, 1);

        public Fronts {
            if (brokers < 1 || proxies < 1) {
                throw new IllegalArgumentException("at least one broker and one proxy: " + brokers + ", " + proxies);
            }
        }
    }

    private final Config config;
    private final ServerSupervisor[] servers;
    private final HealthEndpoint[] serverEndpoints;
    private final PrometheusMeterRegistry[] serverMetrics;
    /** The other roles' metrics, closed with the cluster (see {@link RoleMetrics}). */
    private final List<PrometheusMeterRegistry> registries = new ArrayList<>();
    private final List<Bot> bots = new ArrayList<>();
    private final List<HealthEndpoint> endpoints = new ArrayList<>();
    private final Map<String, Integer> httpPorts = new ConcurrentHashMap<>();
    private ReferenceServer reference;
    private PrometheusMeterRegistry referenceMetrics;
    private final List<Broker> brokers = new ArrayList<>();
    private final List<PubSubProxy> proxies = new ArrayList<>();

    private EmbeddedCluster(Config config) {
        this.config = config;
        this.servers = new ServerSupervisor[config.servers()];
        this.serverEndpoints = new HealthEndpoint[config.servers()];
        this.serverMetrics = new PrometheusMeterRegistry[config.servers()];
    }

    private PrometheusMeterRegistry registry(String role, String node) {
        PrometheusMeterRegistry registry = RoleMetrics.registry(role, node);
        registries.add(registry);
        return registry;
    }

    /** Starts the infrastructure and servers, waits (bounded) until every server is ready and replicates to every other. */
    public static EmbeddedCluster start(Config config) throws IOException {
        EmbeddedCluster cluster = new EmbeddedCluster(config);
        try {
            int base = config.basePort();
            PrometheusMeterRegistry metrics = cluster.registry("reference", "reference");
            cluster.referenceMetrics = metrics;
            cluster.startReference();
            cluster.serve("reference", "reference", 0, Optional::empty, metrics);
            // Health endpoints: the first broker and proxy at 1 and 2, the others after the servers' and bots'.
            int extraHttp = 3 + config.servers() + config.bots();
            for (int i = 0; i < config.fronts().brokers(); i++) {
                String name = i == 0 ? "broker" : "broker-" + (i + 1);
                metrics = cluster.registry("broker", name);
                cluster.brokers.add(Broker.start(new Broker.Config(config.bind(config.brokerPort(i)),
                        config.bind(config.brokerPort(i) + 1), config.heartbeatInterval(), config.brokerPack()), metrics));
                cluster.serve("broker", name, i == 0 ? 1 : extraHttp++, Optional::empty, metrics);
            }
            for (int i = 0; i < config.fronts().proxies(); i++) {
                String name = i == 0 ? "proxy" : "proxy-" + (i + 1);
                metrics = cluster.registry("proxy", name);
                cluster.proxies.add(PubSubProxy.start(new PubSubProxy.Config(config.bind(config.proxyPort(i)),
                        config.bind(config.proxyPort(i) + 1)), metrics));
                cluster.serve("proxy", name, i == 0 ? 2 : extraHttp++, Optional::empty, metrics);
            }
            for (int i = 0; i < config.servers(); i++) {
                cluster.startServer(i);
            }
            Duration wait = config.heartbeatInterval().multipliedBy(10).plusSeconds(5);
            if (!cluster.awaitFullMesh(wait)) {
                log.warn("not every server sees every peer after {} ms; continuing", wait.toMillis());
            }
            for (int i = 0; i < config.bots(); i++) {
                String name = Bot.randomName();
                metrics = cluster.registry("bot", name);
                cluster.bots.add(Bot.start(new Bot.Config(config.clientEndpoint(), name, config.botInterval(), 10, 0), metrics));
                cluster.serve("bot", name, 3 + config.servers() + i, Optional::empty, metrics);
            }
            log.info("cluster up: clients connect to {}, subscribers to {}; servers publish to {}",
                    config.clientEndpoint(), config.subscriberEndpoints(), config.publisherEndpoints());
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public Config config() {
        return config;
    }

    public String serverName(int index) {
        return "server-" + (index + 1);
    }

    public Path dataDir(int index) {
        return config.dataRoot().resolve(serverName(index));
    }

    /** Where server {@code index} answers other servers ({@code clock}, {@code election}, replication). */
    public String peerEndpoint(int index) {
        return config.connect(config.basePort() + 5 + index);
    }

    public BoardServer server(int index) {
        return servers[index] == null ? null : servers[index].server();
    }

    /** The servers running now (stopped ones left out), by index. */
    public List<BoardServer> runningServers() {
        return Arrays.stream(servers).filter(Objects::nonNull).map(ServerSupervisor::server).filter(Objects::nonNull)
                .toList();
    }

    /** The running server that every running server follows as coordinator, if they all agree on one. */
    public Optional<BoardServer> agreedCoordinator() {
        List<BoardServer> running = runningServers();
        List<String> followed = running.stream().map(BoardServer::coordinator).distinct().toList();
        return followed.size() == 1
                ? running.stream().filter(s -> s.name().equals(followed.get(0))).findFirst()
                : Optional.empty();
    }

    /** The running servers' timers of their loops' waits for each fsync of their logs. */
    public List<Timer> fsyncTimers() {
        return Arrays.stream(serverMetrics).filter(Objects::nonNull)
                .map(registry -> registry.get(BoardServer.FSYNC_TIMER).timer()).toList();
    }

    public List<Bot> bots() {
        return List.copyOf(bots);
    }

    /** Stops the reference server and starts a new one, which knows no server, on its endpoint (a pod replaced). */
    public void restartReference() {
        closeQuietly(reference);
        startReference();
    }

    private void startReference() {
        reference = ReferenceServer.start(new ReferenceServer.Config(config.bind(config.basePort() + 4),
                config.heartbeatTimeout()), referenceMetrics);
    }

    /** Stops broker {@code index} (as a crash would, for its clients: its connections drop); the others serve on. */
    public void stopBroker(int index) {
        closeQuietly(brokers.get(index));
    }

    /** The health endpoint's port of a role's node ("reference", "broker", "proxy", "server-1", a bot's name). */
    public int httpPort(String node) {
        Integer port = httpPorts.get(node);
        if (port == null) {
            throw new IllegalArgumentException("no health endpoint for " + node + " (httpBasePort " + config.httpBasePort() + ")");
        }
        return port;
    }

    /** Serves a role's health endpoint on the {@code offset}th HTTP port, if the cluster has them. */
    private HealthEndpoint serve(String role, String node, int offset, HealthEndpoint.Readiness readiness,
                                 PrometheusMeterRegistry metrics) {
        if (config.httpBasePort() == 0) {
            return null;
        }
        HealthEndpoint endpoint = HealthEndpoint.start(config.httpBindHost(), config.httpBasePort() + offset, role,
                node, readiness, metrics);
        endpoints.add(endpoint);
        httpPorts.put(node, endpoint.port());
        return endpoint;
    }

    /** Starts server {@code index} (again) on its own data directory and peer port. */
    public void startServer(int index) throws IOException {
        if (servers[index] != null) {
            throw new IllegalStateException(serverName(index) + " is already running");
        }
        int base = config.basePort();
        int peerPort = base + 5 + index; // see peerEndpoint
        PrometheusMeterRegistry metrics = RoleMetrics.registry("server", serverName(index));
        serverMetrics[index] = metrics;
        servers[index] = ServerSupervisor.start(new BoardServer.Config(serverName(index), dataDir(index),
                config.workerEndpoints(), config.publisherEndpoints(), config.connect(base + 3), config.connect(base + 4),
                config.bind(peerPort), config.connect(peerPort), peers(), config.heartbeatInterval(), config.ackTimeout(),
                config.heartbeatInterval().multipliedBy(BoardServer.CATCH_UP_EVERY_HEARTBEATS), config.ackRule(),
                config.clock(index), config.storage()), DataDirectoryLock.take(dataDir(index)), metrics);
        ServerSupervisor server = servers[index];
        serverEndpoints[index] = serve("server", serverName(index), 3 + index, server::notReadyBecause, metrics);
    }

    /** Every server of the cluster, by name, at its peer port: the configured membership each server is given. */
    private Map<String, String> peers() {
        Map<String, String> peers = new LinkedHashMap<>();
        for (int i = 0; i < config.servers(); i++) {
            peers.put(serverName(i), config.connect(config.basePort() + 5 + i));
        }
        return peers;
    }

    public void stopServer(int index) {
        if (servers[index] != null) {
            servers[index].close();
            servers[index] = null;
        }
        if (serverEndpoints[index] != null) {
            serverEndpoints[index].close();
            endpoints.remove(serverEndpoints[index]);
            serverEndpoints[index] = null;
        }
        if (serverMetrics[index] != null) {
            serverMetrics[index].close();
            serverMetrics[index] = null;
        }
    }

    /**
     * Waits until each running server is ready, connected to every other configured server, and listed with every
     * running server by the reference server (so elections and clock rounds include them all).
     */
    public boolean awaitFullMesh(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<BoardServer> running = runningServers();
            if (running.stream().allMatch(s -> s.ready() && s.peerCount() == config.servers() - 1
                    && s.liveServers() == running.size())) {
                return true;
            }
            try {
                Thread.sleep(20); // polling a condition with a deadline, not synchronising on time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        bots.forEach(Bot::close);
        for (int i = 0; i < servers.length; i++) {
            stopServer(i);
        }
        proxies.forEach(EmbeddedCluster::closeQuietly);
        brokers.forEach(EmbeddedCluster::closeQuietly);
        closeQuietly(reference);
        endpoints.forEach(HealthEndpoint::close);
        registries.forEach(PrometheusMeterRegistry::close);
        log.info("cluster stopped");
    }

    private static void closeQuietly(AutoCloseable role) {
        if (role == null) {
            return;
        }
        try {
            role.close();
        } catch (Exception e) {
            log.warn("error while stopping {}: {}", role.getClass().getSimpleName(), e.toString());
        }
    }
}
