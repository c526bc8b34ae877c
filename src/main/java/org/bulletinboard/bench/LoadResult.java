package org.bulletinboard.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured: throughput, latency per service and overall, failures, and publication delivery; and what
 * it cost, read over a span a little longer than the window, with the successful requests completed in that span.
 *
 * @param sentLate paced requests of the window sent more than one interval after they were due: the load generator
 *                 fell behind, and their wait for it is in their latency
 */
public record LoadResult(LoadBenchmark.Settings settings, long completed, long errors, long timeouts, long sentLate,
                         Map<String, Long> errorKinds, Histogram latencyMicros, Map<String, Histogram> latencyByService,
                         PublicationProbe.Delivery delivery, ProcessCost.Spent cost, long costedRequests) {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    /** Requests answered successfully per second of the measured window. */
    public double throughput() {
        return completed / (settings.duration().toNanos() / 1e9);
    }

    /** The p99 latency of one service in milliseconds (NaN if it was not sent). */
    public double p99Millis(String service) {
        Histogram histogram = latencyByService.get(service);
        return histogram == null ? Double.NaN : histogram.getValueAtPercentile(99) / 1000.0;
    }

    /** CPU time the costed processes spent per successful request, in ms. */
    public double cpuMillisPerRequest() {
        return perCostedRequest(cost.cpuNanos(), 1e6);
    }

    /** CPU time of the cluster's own threads per successful request, in ms; NaN where they were not told apart. */
    public double clusterCpuMillisPerRequest() {
        return perCostedRequest(cost.threadsCpuNanos(), 1e6);
    }

    /** Kilobytes the cluster's own threads allocated per successful request; NaN where they were not told apart. */
    public double clusterKilobytesPerRequest() {
        return perCostedRequest(cost.threadsAllocatedBytes(), 1024.0);
    }

    /** Percent of the servers' fsyncs that took over {@link DiskWaits#SLOW}; NaN where they were not read. */
    public double slowFsyncPercent() {
        DiskWaits disk = cost.disk();
        return !disk.known() || disk.fsyncs() == 0 ? Double.NaN : 100.0 * disk.slow() / disk.fsyncs();
    }

    /** The servers' fsyncs a second over the costed span (call only where they were read). */
    private double fsyncsPerSecond() {
        return cost.disk().fsyncs() / (cost.windowNanos() / 1e9);
    }

    /** Context switches per successful request; NaN where they cannot be read. */
    public double contextSwitchesPerRequest() {
        return perCostedRequest(cost.contextSwitches(), 1);
    }

    /** {@code amount} in {@code unit}s per costed request; NaN with no request, or for an amount not read (-1). */
    private double perCostedRequest(long amount, double unit) {
        return costedRequests == 0 || amount < 0 ? Double.NaN : amount / unit / costedRequests;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("workload", settings.workload().name().toLowerCase());
        map.put("clients", settings.clients());
        map.put("paced_rate", settings.rate());
        map.put("duration_s", settings.duration().toMillis() / 1000.0);
        map.put("completed", completed);
        map.put("throughput_per_s", round(throughput()));
        map.put("errors", errors);
        map.put("timeouts", timeouts);
        map.put("sent_late", sentLate);
        map.put("error_kinds", errorKinds);
        map.put("latency_ms", percentiles(latencyMicros));
        Map<String, Object> byService = new LinkedHashMap<>();
        latencyByService.forEach((service, histogram) -> byService.put(service, percentiles(histogram)));
        map.put("latency_ms_by_service", byService);
        Map<String, Object> costs = new LinkedHashMap<>();
        costs.put("processes", cost.processes());
        costs.put("cpu_ms_per_request", round(cpuMillisPerRequest()));
        costs.put("cores_busy", round(cost.cores()));
        if (cost.threadsCpuNanos() >= 0) {
            costs.put("cluster_threads_cpu_ms_per_request", round(clusterCpuMillisPerRequest()));
            costs.put("cluster_threads_allocated_kb_per_request", round(clusterKilobytesPerRequest()));
            costs.put("gc_collections", cost.collections().count());
            costs.put("gc_ms", cost.collections().millis());
        }
        if (cost.contextSwitches() >= 0) {
            costs.put("context_switches_per_request", round(contextSwitchesPerRequest()));
        }
        map.put("cost", costs);
        DiskWaits disk = cost.disk();
        if (disk.known()) {
            Map<String, Object> fsyncs = new LinkedHashMap<>();
            fsyncs.put("count", disk.fsyncs());
            fsyncs.put("per_s", round(fsyncsPerSecond()));
            fsyncs.put("mean_wait_ms", round(disk.meanWaitMillis()));
            fsyncs.put("over_" + DiskWaits.SLOW.toMillis() + "_ms", disk.slow());
            fsyncs.put("over_" + DiskWaits.STALLED.toMillis() + "_ms", disk.stalled());
            map.put("servers_fsyncs", fsyncs);
        }
        if (delivery != null) {
            Map<String, Object> publications = new LinkedHashMap<>();
            publications.put("subscribers", settings.subscribers());
            publications.put("expected", delivery.expected());
            publications.put("received", delivery.received());
            publications.put("delivery_rate", round(delivery.rate()));
            publications.put("lag_ms", percentiles(delivery.lagMicros()));
            publications.put("payload_bytes", round(delivery.payloadBytes()));
            publications.put("payload_bytes_without_top_level_copies", round(delivery.nestedOnlyBytes()));
            map.put("publications", publications);
        }
        return map;
    }

    private static Map<String, Object> percentiles(Histogram micros) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("count", micros.getTotalCount());
        for (double p : PERCENTILES) {
            map.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)),
                    round(micros.getValueAtPercentile(p) / 1000.0));
        }
        map.put("max", round(micros.getMaxValue() / 1000.0));
        return map;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    public void print(PrintStream out, String label) {
        out.printf("%s: %s, %d clients%s, %.0f s measured after %.0f s warm-up%n", label,
                settings.workload().name().toLowerCase(), settings.clients(),
                settings.rate() > 0 ? String.format(", paced at %.0f req/s", settings.rate()) : ", unpaced",
                settings.duration().toMillis() / 1000.0, settings.warmup().toMillis() / 1000.0);
        out.printf("  throughput %.0f req/s (%d ok, %d refused, %d timed out)%n", throughput(), completed, errors, timeouts);
        errorKinds.forEach((kind, count) -> out.printf("    refused %d x %s%n", count, kind));
        if (sentLate > 0) {
            // Each counts from when it was due, so its wait for the client is in its latency: the generator's share.
            out.printf("  %d requests (%.1f%%) went out more than one pacing interval after they were due: the load"
                    + " generator fell behind, and those waits are in the latency below%n", sentLate,
                    100.0 * sentLate / Math.max(1, completed + errors + timeouts));
        }
        out.printf("  cost: %.3f ms CPU per request (%.2f cores busy)%s, measured on %s%n", cpuMillisPerRequest(),
                cost.cores(), cost.contextSwitches() < 0 ? ""
                        : String.format(", %.1f context switches per request", contextSwitchesPerRequest()),
                cost.processes());
        if (cost.threadsCpuNanos() >= 0) {
            out.printf("  cost of the cluster's own threads (its loops and ZeroMQ I/O threads, not the load generator, "
                    + "JIT or GC): %.3f ms CPU per request%n", clusterCpuMillisPerRequest());
            out.printf("  garbage: the cluster's threads allocated %.1f KB per request; this JVM collected %d times, "
                    + "for %d ms in all%n", clusterKilobytesPerRequest(), cost.collections().count(),
                    cost.collections().millis());
        }
        DiskWaits disk = cost.disk();
        if (disk.known()) {
            out.printf("  disk: the servers waited for %d fsyncs of their logs (%.0f a second), %.2f ms each on average;"
                    + " %d (%.2f%%) took over %d ms, %d over %d ms%n", disk.fsyncs(), fsyncsPerSecond(),
                    disk.meanWaitMillis(), disk.slow(), slowFsyncPercent(), DiskWaits.SLOW.toMillis(), disk.stalled(),
                    DiskWaits.STALLED.toMillis());
        }
        out.printf("  %-10s %8s %8s %8s %8s %8s %8s%n", "latency ms", "count", "p50", "p90", "p99", "p99.9", "max");
        printRow(out, "all", latencyMicros);
        latencyByService.forEach((service, histogram) -> printRow(out, service, histogram));
        if (delivery != null) {
            out.printf("  publications: %d of %d delivered to %d subscribers (%.2f%%)%n", delivery.received(),
                    delivery.expected(), settings.subscribers(), 100 * delivery.rate());
            printRow(out, "lag", delivery.lagMicros());
            out.printf("  publication payload: %.0f bytes on average; %.0f without the top-level copies of its fields "
                    + "(+%.0f%%)%n", delivery.payloadBytes(), delivery.nestedOnlyBytes(),
                    delivery.nestedOnlyBytes() == 0 ? 0 : 100 * (delivery.payloadBytes() / delivery.nestedOnlyBytes() - 1));
        }
    }

    private static void printRow(PrintStream out, String label, Histogram micros) {
        out.printf("  %-10s %8d", label, micros.getTotalCount());
        for (double p : PERCENTILES) {
            out.printf(" %8.2f", micros.getValueAtPercentile(p) / 1000.0);
        }
        out.printf(" %8.2f%n", micros.getMaxValue() / 1000.0);
    }
}
