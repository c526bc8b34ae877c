package org.bulletinboard.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulletinboard.broker.Broker;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.replication.AckRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run the whole system in one process: reference server, broker, proxy, servers and bots.")
final class ClusterCommand implements Callable<Integer> {
    @Option(names = "--base-port", defaultValue = "${env:BBS_BASE_PORT:-5555}",
            description = "Broker client port; the other roles take the ports after it (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--bind", defaultValue = "${env:BBS_BIND:-*}",
            description = "Interface to bind (default: ${DEFAULT-VALUE}, all interfaces).")
    String bindHost;

    @Option(names = "--data", defaultValue = "${env:BBS_DATA:-data}",
            description = "Data root; server N keeps its data in <data>/server-N (default: ${DEFAULT-VALUE}).")
    Path dataRoot;

    @Option(names = "--servers", defaultValue = "3", description = "Number of servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--bots", defaultValue = "2", description = "Number of bots (default: ${DEFAULT-VALUE}).")
    int bots;

    @Option(names = "--bot-interval-ms", defaultValue = "500",
            description = "Pause between a bot's messages (default: ${DEFAULT-VALUE}).")
    long botIntervalMillis;

    @Option(names = "--ack", defaultValue = "${env:BBS_ACK:-quorum}",
            description = "Which servers hold a write durably before it is answered OK: a quorum of them, or all"
                    + " (default: ${DEFAULT-VALUE}).")
    AckRule ack;

    @Option(names = "--pack", defaultValue = "${env:BBS_BROKER_PACK:-" + Broker.DEFAULT_PACK + "}",
            description = "Requests the broker packs onto one server before the next gets any (32 measured best); 1"
                    + " spreads every request to the least loaded (default: ${DEFAULT-VALUE}).")
    int pack;

    @Option(names = "--brokers", defaultValue = "1",
            description = "Brokers, all active: every server works for each and clients go on to the next when theirs is"
                    + " lost; the first on the base port, the others after the servers' ports (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--proxies", defaultValue = "1",
            description = "Proxies, all active: every server publishes to each, and a subscriber given all keeps each"
                    + " publication once (default: ${DEFAULT-VALUE}).")
    int proxies;

    @Option(names = "--history-keep", defaultValue = "${env:BBS_HISTORY_KEEP:-1000}",
            description = "Posts each channel and messages each inbox keep, the newest in history order"
                    + " (default: ${DEFAULT-VALUE}).")
    int historyKeep;

    @Option(names = "--http-base-port", defaultValue = "${env:BBS_HTTP_BASE_PORT:-0}",
            description = "Health endpoints of the roles (reference, broker, proxy, servers, bots, then the other brokers"
                    + " and proxies) on consecutive ports from this one; 0 for none (default: ${DEFAULT-VALUE}).")
    int httpBasePort;

    @Override
    public Integer call() throws Exception {
        EmbeddedCluster.Config defaults = EmbeddedCluster.Config.defaults(basePort, dataRoot);
        EmbeddedCluster.Config config = new EmbeddedCluster.Config(bindHost, "127.0.0.1", basePort, dataRoot,
                servers, bots, defaults.heartbeatInterval(), defaults.heartbeatTimeout(), defaults.ackTimeout(),
                Duration.ofMillis(botIntervalMillis), List.of(), httpBasePort, ack, pack,
                BoardStore.Settings.defaults().withHistoryKeep(historyKeep), new EmbeddedCluster.Fronts(brokers, proxies));
        UntilStopped until = UntilStopped.install("cluster", "cluster");
        until.add(EmbeddedCluster.start(config));
        return until.await();
    }
}
