package org.bulletinboard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bulletinboard.bench.DiskWaits;
import org.bulletinboard.bench.EchoCluster;
import org.bulletinboard.bench.LoadBenchmark;
import org.bulletinboard.bench.LoadResult;
import org.bulletinboard.bench.ProcessCost;
import org.bulletinboard.bench.ScratchDirectory;
import org.bulletinboard.bench.Workload;
import org.bulletinboard.broker.Broker;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.server.replication.AckRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load a cluster with concurrent clients and report throughput, latency percentiles, failures "
                + "and publication delivery.",
                "With --compare-echo it also runs the same load against echo workers behind our broker (the transport "
                + "limit) and again at half the full stack's rate."})
final class BenchCommand implements Callable<Integer> {
    /** Echo workers per server: one request each, as many as the servers' worker threads were, as in BENCHMARKS.md. */
    private static final int ECHO_WORKERS_PER_SERVER = 8;

    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients; several, comma-separated, or a name that resolves to several, and a"
                    + " request that one of them leaves unanswered goes on to the next (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--proxy", defaultValue = "${env:BBS_PROXY_SUB:-tcp://localhost:5558}",
            description = "Proxy endpoint for subscribers (default: ${DEFAULT-VALUE}).")
    String proxy;

    @Option(names = "--embedded", description = "Start a cluster in this process on loopback instead of using --broker.")
    boolean embedded;

    @Option(names = "--servers", defaultValue = "3", description = "Servers of an embedded cluster, echo workers' servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--base-port", defaultValue = "26555", description = "First port for embedded roles (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--workload", defaultValue = "publish",
            description = "publish, message, mixed (the bot's mix) or read (default: ${DEFAULT-VALUE}).")
    Workload workload;

    @Option(names = "--warmup-s", defaultValue = "5", description = "Warm-up, not measured (default: ${DEFAULT-VALUE}).")
    long warmupSeconds;

    @Option(names = "--duration-s", defaultValue = "15", description = "Measured time (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--rate", defaultValue = "0", description = "Total requests per second to pace at; 0: as fast as answered (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--subscribers", defaultValue = "1", description = "Subscribers to every bench topic (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--message-bytes", defaultValue = "100", description = "Size of each post or message (default: ${DEFAULT-VALUE}).")
    int messageBytes;

    @Option(names = "--timeout-ms", defaultValue = "5000", description = "A request not answered in this counts as timed out (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--echo", description = "Run the load against echo workers behind our broker only.")
    boolean echo;

    @Option(names = "--compare-echo", description = "Full stack, then echo workers, then the full stack at half its rate.")
    boolean compareEcho;

    @Option(names = "--cost-pid", paramLabel = "PID",
            description = "Cost the full stack by the CPU time and context switches of these processes (repeat for "
                    + "each; default: this process, which with --embedded holds the cluster and the load generator).")
    List<Long> costPids = new ArrayList<>();

    @Option(names = "--ack", defaultValue = "quorum",
            description = "Acknowledgement rule of an embedded cluster's servers: quorum or all (default: ${DEFAULT-VALUE}).")
    AckRule ack;

    @Option(names = "--pack", defaultValue = "" + Broker.DEFAULT_PACK,
            description = "Requests an embedded cluster's broker packs onto one server before the next gets any (32"
                    + " measured best); 1 spreads every request (default: ${DEFAULT-VALUE}).")
    int pack;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadBenchmark.Settings settings = new LoadBenchmark.Settings(broker, proxy, clients, workload,
                Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), rate, subscribers,
                messageBytes, Duration.ofMillis(timeoutMillis));
        Map<String, LoadResult> results = new LinkedHashMap<>();
        if (echo) {
            results.put("echo", runEcho(settings));
        } else if (embedded) {
            try (ScratchDirectory data = new ScratchDirectory("bbs-bench")) {
                EmbeddedCluster.Config config = EmbeddedCluster.Config.loopback(basePort, data.path(), servers)
                        .withAckRule(ack).withBrokerPack(pack);
                Set<Long> before = ProcessCost.liveThreads();
                try (EmbeddedCluster cluster = EmbeddedCluster.start(config)) {
                    runFullStack(settings.against(config.clientEndpoint(), config.subscriberEndpoint()),
                            ProcessCost.ofThisProcess(startedSince(before)).withDiskWaits(cluster::fsyncTimers),
                            results);
                }
            }
        } else {
            runFullStack(settings, ProcessCost.ofProcesses(costPids), results);
        }
        report(results);
        return 0;
    }

    private void runFullStack(LoadBenchmark.Settings settings, ProcessCost cost, Map<String, LoadResult> results)
            throws Exception {
        LoadResult full = LoadBenchmark.run(settings, cost);
        results.put("full", full);
        if (compareEcho) {
            results.put("echo", runEcho(settings));
            results.put("full_at_half_rate", LoadBenchmark.run(settings.atRate(full.throughput() / 2), cost));
        }
    }

    /** The same load through a broker of our own (after the embedded roles' ports) with echo workers. */
    private LoadResult runEcho(LoadBenchmark.Settings settings) throws InterruptedException {
        int port = basePort + EmbeddedCluster.Config.portCount(servers);
        Set<Long> before = ProcessCost.liveThreads();
        try (EchoCluster ignored = EchoCluster.start("tcp://127.0.0.1:" + port, "tcp://127.0.0.1:" + (port + 1),
                servers * ECHO_WORKERS_PER_SERVER, Duration.ofSeconds(1))) {
            return LoadBenchmark.run(settings.against("tcp://127.0.0.1:" + port, null),
                    ProcessCost.ofThisProcess(startedSince(before)));
        }
    }

    /** The threads started since {@code before} was taken: a cluster's, started in this process. */
    private static Set<Long> startedSince(Set<Long> before) {
        Set<Long> started = new HashSet<>(ProcessCost.liveThreads());
        started.removeAll(before);
        return started;
    }

    private void report(Map<String, LoadResult> results) throws Exception {
        LoadResult full = results.get("full");
        LoadResult echoed = results.get("echo");
        LoadResult half = results.get("full_at_half_rate");
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            results.forEach((label, result) -> out.put(label, result.toMap()));
            if (full != null && echoed != null) {
                out.put("echo_ratio", Math.round(1000 * full.throughput() / echoed.throughput()) / 1000.0);
            }
            System.out.println(new ObjectMapper().writeValueAsString(out));
            return;
        }
        results.forEach((label, result) -> result.print(System.out, label));
        if (full != null && echoed != null) {
            System.out.printf("full stack at %.0f%% of the echo throughput (%.0f vs %.0f req/s)%n",
                    100 * full.throughput() / echoed.throughput(), full.throughput(), echoed.throughput());
            System.out.printf("CPU per request: full stack %.3f ms, echo %.3f ms (%.1fx)%n", full.cpuMillisPerRequest(),
                    echoed.cpuMillisPerRequest(), full.cpuMillisPerRequest() / echoed.cpuMillisPerRequest());
            if (!Double.isNaN(full.clusterCpuMillisPerRequest())) {
                System.out.printf("CPU per request, cluster threads only: full stack %.3f ms, echo %.3f ms%n",
                        full.clusterCpuMillisPerRequest(), echoed.clusterCpuMillisPerRequest());
            }
        }
        if (half != null) {
            System.out.printf("CPU per request at half rate: %.3f ms%n", half.cpuMillisPerRequest());
            System.out.printf("publish p99 at half the full stack's rate (%.0f req/s): %.2f ms%s%s%n",
                    half.settings().rate(), half.p99Millis(Services.PUBLISH), half.sentLate() == 0 ? ""
                            : String.format(" (%d requests sent late: the load generator fell behind)", half.sentLate()),
                    Double.isNaN(half.slowFsyncPercent()) ? "" : String.format("; %.2f%% of the servers' fsyncs took"
                            + " over %d ms", half.slowFsyncPercent(), DiskWaits.SLOW.toMillis()));
        }
    }
}
