package org.bulletinboard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulletinboard.bench.ClockBenchmark;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.server.replication.AckRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "clock-bench", mixinStandardHelpOptions = true,
        description = "Measure Berkeley clock spread and Bully failover on an embedded cluster with skewed, drifting clocks.")
final class ClockBenchCommand implements Callable<Integer> {
    @Option(names = "--base-port", defaultValue = "25555", description = "First port of the cluster (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--servers", defaultValue = "3", description = "Number of servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--skew-ms", defaultValue = "5000", description = "Servers start at -skew, 0, +skew (default: ${DEFAULT-VALUE}).")
    long skewMillis;

    @Option(names = "--drift-ppm", defaultValue = "100", description = "Servers drift by +/- this (default: ${DEFAULT-VALUE}).")
    double driftPpm;

    @Option(names = "--heartbeat-ms", defaultValue = "1000", description = "Heartbeat interval (default: ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--sync-ms", defaultValue = "1000", description = "Berkeley timer (default: ${DEFAULT-VALUE}).")
    long syncMillis;

    @Option(names = "--sample-s", defaultValue = "10", description = "How long to sample the spread once slewed (default: ${DEFAULT-VALUE}).")
    long sampleSeconds;

    @Option(names = "--failovers", defaultValue = "3", description = "Coordinator kills to time (default: ${DEFAULT-VALUE}).")
    int failovers;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path data = Files.createTempDirectory("bbs-clock-bench");
        Duration heartbeat = Duration.ofMillis(heartbeatMillis);
        EmbeddedCluster.Config cluster = new EmbeddedCluster.Config("127.0.0.1", "127.0.0.1", basePort, data, servers,
                0, heartbeat, heartbeat.multipliedBy(3), Duration.ofMillis(500), Duration.ofMillis(500), List.of(), 0,
                AckRule.QUORUM);
        ClockBenchmark.Result result = ClockBenchmark.run(new ClockBenchmark.Settings(cluster, skewMillis, driftPpm,
                Duration.ofMillis(syncMillis), Duration.ofSeconds(sampleSeconds), failovers));
        Map<String, Object> summary = result.summary();
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(summary));
        } else {
            System.out.printf("clocks: %d servers skewed by -%d/0/+%d ms, drifting +/-%.0f ppm, Berkeley every %d ms%n",
                    servers, skewMillis, skewMillis, driftPpm, syncMillis);
            System.out.printf("  spread of the clocks' targets after two rounds: %.3f ms%n", result.targetSpreadAfterTwoRounds());
            System.out.printf("  corrections slewed in after a further %.0f ms%n", result.slewMillis());
            System.out.printf("  spread of the readings over %d s: median %.3f ms, max %.3f ms%n", sampleSeconds,
                    summary.get("reading_spread_median_ms"), summary.get("reading_spread_max_ms"));
            System.out.printf("failover (heartbeat %d ms): new coordinator known to all after %s ms; restarted highest rank leads again after %s ms%n",
                    heartbeatMillis, result.failoverMillis(), result.takeoverMillis());
        }
        return 0;
    }
}
