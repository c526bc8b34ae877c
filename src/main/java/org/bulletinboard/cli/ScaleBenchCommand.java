package org.bulletinboard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulletinboard.bench.LoadBenchmark;
import org.bulletinboard.bench.ScaleBenchmark;
import org.bulletinboard.bench.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scale-bench", mixinStandardHelpOptions = true,
        description = "Preload 10^4, 10^5 and 10^6 posts and measure start-up, publish throughput, heap and the "
                + "catch-up of a wiped server at each size, on an embedded cluster.")
final class ScaleBenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", defaultValue = "10000,100000,1000000",
            description = "Posts to preload, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--base-port", defaultValue = "27555", description = "First port of the cluster (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent publishing clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--warmup-s", defaultValue = "3", description = "Warm-up of each publish run (default: ${DEFAULT-VALUE}).")
    long warmupSeconds;

    @Option(names = "--duration-s", defaultValue = "10", description = "Measured time of each publish run (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadBenchmark.Settings load = new LoadBenchmark.Settings(null, null, clients, Workload.PUBLISH,
                Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), 0, 0, 100, Duration.ofSeconds(5));
        List<ScaleBenchmark.Row> rows = ScaleBenchmark.run(new ScaleBenchmark.Settings(basePort, sizes, load));
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(rows.stream().map(ScaleBenchmark.Row::toMap).toList()));
            return 0;
        }
        System.out.printf("%10s %8s %12s %12s %10s %10s %10s %12s%n", "posts", "log MiB", "crash start", "clean start",
                "publish/s", "p99 ms", "heap MiB", "catch-up");
        for (ScaleBenchmark.Row row : rows) {
            var m = row.toMap();
            System.out.printf("%10d %8s %9d ms %9d ms %10s %10.2f %10s %9d ms%n", row.posts(), m.get("log_mib"),
                    row.crashRecoveryMillis(), row.cleanStartMillis(), m.get("publish_per_s"), row.publishP99Millis(),
                    m.get("heap_used_mib"), row.catchUpMillis());
        }
        return 0;
    }
}
