package org.bulletinboard.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulletinboard.server.BoardServer;
import org.bulletinboard.server.ServerSupervisor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bulletinboard.health.RoleMetrics;
import org.bulletinboard.server.replication.AckRule;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.DataDirectoryLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a bulletin-board server: client services, persistence, replication.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = "--name", defaultValue = "${env:BBS_NAME}",
            description = "Unique server name (default: BBS_NAME, else the host name).")
    String name;

    @Option(names = "--data", defaultValue = "${env:BBS_DATA:-data}",
            description = "Directory for this server's data (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER_SERVERS:-tcp://localhost:5556}",
            description = "Broker endpoint for servers; several, comma-separated, or a name that resolves to several"
                    + " (a headless Service): the server works for every broker (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--proxy", defaultValue = "${env:BBS_PROXY_PUB:-tcp://localhost:5557}",
            description = "Proxy endpoint to publish to; several, comma-separated, or a name that resolves to several:"
                    + " every publication goes to each (default: ${DEFAULT-VALUE}).")
    String proxy;

    @Option(names = "--proxy-subscribers", defaultValue = "${env:BBS_PROXY_SUB:-tcp://localhost:5558}",
            description = "Proxy endpoint to hear coordinator announcements from; several as for --proxy"
                    + " (default: ${DEFAULT-VALUE}).")
    String proxySubscribers;

    @Option(names = "--reference", defaultValue = "${env:BBS_REFERENCE:-tcp://localhost:5559}",
            description = "Reference server endpoint (default: ${DEFAULT-VALUE}).")
    String reference;

    @Option(names = "--peer-port", defaultValue = "${env:BBS_PEER_PORT:-5560}",
            description = "Port of the socket other servers replicate to (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--peer-bind", defaultValue = "${env:BBS_PEER_BIND}",
            description = "Endpoint the peer socket binds (default: BBS_PEER_BIND, else tcp://*:<peer port>).")
    String peerBind;

    @Option(names = "--peer-address", defaultValue = "${env:BBS_PEER_ADDRESS}",
            description = "How other servers reach this one (default: BBS_PEER_ADDRESS, else tcp://<host name>:<peer port>).")
    String peerAddress;

    @Option(names = "--peers", split = ",", defaultValue = "${env:BBS_PEERS}", paramLabel = "NAME=ENDPOINT",
            description = "The servers of the cluster and where this one reaches each: NAME=ENDPOINT, comma-separated,"
                    + " the same list on every server (this one may be in it). Writes are acknowledged by a quorum of"
                    + " them (--ack); the reference server's live list changes nothing here (default: BBS_PEERS, else"
                    + " none: a cluster of one).")
    Map<String, String> peers = Map.of();

    @Option(names = "--heartbeat-ms", defaultValue = "${env:BBS_HEARTBEAT_MS:-1000}",
            description = "Heartbeat and peer-list refresh interval (default: ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--ack-timeout-ms", defaultValue = "${env:BBS_ACK_TIMEOUT_MS:-500}",
            description = "How long a write waits for peers' acknowledgements before its client is told its outcome is"
                    + " unknown (default: ${DEFAULT-VALUE}).")
    long ackTimeoutMillis;

    @Option(names = "--catch-up-ms", defaultValue = "${env:BBS_CATCH_UP_MS:-5000}",
            description = "How often to ask peers for missed events, besides at start (default: ${DEFAULT-VALUE}).")
    long catchUpMillis;

    @Option(names = "--ack", defaultValue = "${env:BBS_ACK:-quorum}",
            description = "Which configured servers hold a write durably before it is answered OK: quorum (a majority,"
                    + " this one included: it survives the loss of any minority) or all. A write that does not reach"
                    + " them within --ack-timeout-ms is answered erro, its outcome unknown (default: ${DEFAULT-VALUE}).")
    AckRule ack;

    @Option(names = "--history-keep", defaultValue = "${env:BBS_HISTORY_KEEP:-1000}",
            description = "Posts each channel and messages each user's inbox keep, the newest in history order; older"
                    + " ones leave reads and, once a checkpoint covers them, the disk. The same on every server"
                    + " (default: ${DEFAULT-VALUE}).")
    int historyKeep;

    @Option(names = "--checkpoint-every", defaultValue = "${env:BBS_CHECKPOINT_EVERY:-" + BoardStore.DEFAULT_CHECKPOINT_EVERY + "}",
            description = "Events between checkpoints (stretched by up to a quarter per process); the log behind each"
                    + " checkpoint is deleted (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--segment-mib", defaultValue = "${env:BBS_SEGMENT_MIB:-64}",
            description = "Size of a log segment in MiB; whole segments behind a checkpoint are deleted"
                    + " (default: ${DEFAULT-VALUE}).")
    int segmentMebibytes;

    @Option(names = "--clock-skew-ms", defaultValue = "${env:BBS_CLOCK_SKEW_MS:-0}",
            description = "Added to this server's physical clock at start, to see synchronisation work (default: ${DEFAULT-VALUE}).")
    long clockSkewMillis;

    @Option(names = "--clock-drift-ppm", defaultValue = "${env:BBS_CLOCK_DRIFT_PPM:-0}",
            description = "How much faster this server's clock runs, in parts per million (default: ${DEFAULT-VALUE}).")
    double clockDriftPpm;

    @Option(names = "--clock-sync-ms", defaultValue = "${env:BBS_CLOCK_SYNC_MS:-5000}",
            description = "Berkeley rounds on a timer, besides every 10 requests the coordinator handles (default: ${DEFAULT-VALUE}).")
    long clockSyncMillis;

    @Mixin
    HttpOptions http;

    /**
     * Serves /healthz and /readyz at once, then takes the data directory's lock (waiting, not ready, while another
     * process holds it), then recovers and starts the server.
     */
    @Override
    public Integer call() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        String serverName = name != null ? name : host;
        UntilStopped until = UntilStopped.install("server", serverName);
        String address = peerAddress != null ? peerAddress : "tcp://" + host + ":" + peerPort;
        PrometheusMeterRegistry metrics = RoleMetrics.registry("server", serverName);
        AtomicReference<ServerSupervisor> server = new AtomicReference<>();
        AtomicReference<String> starting = new AtomicReference<>("starting");
        until.add(http.serve("server", serverName, () -> server.get() != null
                ? server.get().notReadyBecause() : Optional.of(starting.get()), metrics));
        DataDirectoryLock lock = DataDirectoryLock.acquire(data, until::stopping, () -> {
            starting.set("waiting for the lock on " + data + ": another process has this data directory");
            log.warn("{}; waiting until it lets go", starting.get());
        });
        if (lock == null) {
            return until.await(); // stopped while waiting
        }
        starting.set("recovering " + data);
        server.set(ServerSupervisor.start(new BoardServer.Config(serverName, data, broker, proxy, proxySubscribers, reference,
                peerBind != null ? peerBind : "tcp://*:" + peerPort, address, peers == null ? Map.of() : peers,
                Duration.ofMillis(heartbeatMillis),
                Duration.ofMillis(ackTimeoutMillis), Duration.ofMillis(catchUpMillis), ack,
                new BoardServer.ClockSettings(clockSkewMillis, clockDriftPpm, Duration.ofMillis(clockSyncMillis)),
                BoardStore.Settings.defaults().withHistoryKeep(historyKeep).withCheckpointEvery(checkpointEvery)
                        .withSegmentBytes(segmentMebibytes * 1024L * 1024L)),
                lock, metrics));
        until.add(server.get());
        return until.await();
    }
}
