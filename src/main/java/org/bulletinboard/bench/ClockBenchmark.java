package org.bulletinboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.bulletinboard.clock.PhysicalClock;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.server.BoardServer;

/**
 * Measures clock synchronisation and coordinator failover on an embedded cluster whose servers' clocks are
 * skewed and drifting: the spread of the clocks' targets after two Berkeley rounds, the spread of their readings
 * once slewed (sampled over a while), the time until every live server follows a new coordinator after the
 * coordinator is stopped, and the time until a restarted highest rank leads again. Every server runs in this
 * process, so clocks are compared by reading them back to back.
 */
public final class ClockBenchmark {
    /** @param skewMillis servers get -skew, 0, +skew, ... at start; drift alternates +drift and -drift ppm */
    public record Settings(EmbeddedCluster.Config cluster, long skewMillis, double driftPpm, Duration syncInterval,
                           Duration sampling, int failovers) {}

    /** What was measured; times in milliseconds. */
    public record Result(double targetSpreadAfterTwoRounds, double slewMillis, List<Double> readingSpreads,
                         List<Long> failoverMillis, List<Long> takeoverMillis) {
        public Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("target_spread_after_two_rounds_ms", targetSpreadAfterTwoRounds);
            summary.put("slew_ms", slewMillis);
            summary.put("reading_spread_median_ms", median(readingSpreads));
            summary.put("reading_spread_max_ms", readingSpreads.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            summary.put("failover_ms", failoverMillis);
            summary.put("takeover_ms", takeoverMillis);
            return summary;
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    private ClockBenchmark() {}

    public static Result run(Settings settings) throws IOException, InterruptedException {
        int servers = settings.cluster().servers();
        List<BoardServer.ClockSettings> clocks = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            long skew = (i % 3 - 1) * settings.skewMillis();
            clocks.add(new BoardServer.ClockSettings(skew, i % 2 == 0 ? settings.driftPpm() : -settings.driftPpm(),
                    settings.syncInterval()));
        }
        try (EmbeddedCluster cluster = EmbeddedCluster.start(settings.cluster().withClocks(clocks))) {
            BoardServer coordinator = awaitOneCoordinator(cluster);
            long firstRound = coordinator.clockRounds();
            TimedWait.until("two Berkeley rounds", WAIT, () -> coordinator.clockRounds() >= firstRound + 2);
            double targets = spread(cluster, PhysicalClock::targetMillis);
            long slewStart = System.nanoTime();
            TimedWait.until("the corrections to be slewed in", WAIT, () -> cluster.runningServers().stream()
                    .allMatch(s -> Math.abs(s.physicalClock().pendingCorrection()) < 0.1));
            double slew = (System.nanoTime() - slewStart) / 1e6;
            List<Double> readings = new ArrayList<>();
            long samples = Math.max(1, settings.sampling().toMillis() / 100);
            for (int i = 0; i < samples; i++) {
                readings.add(spread(cluster, PhysicalClock::exactMillis));
                Thread.sleep(100); // sampling period of the measurement, not synchronisation
            }
            List<Long> failovers = new ArrayList<>();
            List<Long> takeovers = new ArrayList<>();
            for (int round = 0; round < settings.failovers(); round++) {
                BoardServer leader = awaitOneCoordinator(cluster);
                int index = IntStream.range(0, servers).filter(i -> cluster.server(i) == leader).findFirst().orElseThrow();
                long stopped = System.nanoTime();
                cluster.stopServer(index);
                awaitOneCoordinator(cluster);
                failovers.add((System.nanoTime() - stopped) / 1_000_000);
                long restarted = System.nanoTime();
                cluster.startServer(index);
                String name = cluster.serverName(index);
                TimedWait.until(name + " to lead again", WAIT, () -> cluster.runningServers().stream().allMatch(s -> name.equals(s.coordinator())));
                takeovers.add((System.nanoTime() - restarted) / 1_000_000);
            }
            return new Result(targets, slew, readings, failovers, takeovers);
        }
    }

    private static BoardServer awaitOneCoordinator(EmbeddedCluster cluster) throws InterruptedException {
        TimedWait.until("every running server to follow one live coordinator", WAIT, () -> cluster.agreedCoordinator().isPresent());
        return cluster.agreedCoordinator().orElseThrow();
    }

    private static double spread(EmbeddedCluster cluster, ToDoubleFunction<PhysicalClock> reading) {
        double[] values = cluster.runningServers().stream().mapToDouble(s -> reading.applyAsDouble(s.physicalClock())).toArray();
        return Arrays.stream(values).max().orElse(0) - Arrays.stream(values).min().orElse(0);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }
}
