package org.bulletinboard.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulletinboard.bench.Barrage;
import org.bulletinboard.bench.HeapUse;
import org.bulletinboard.bench.ScratchDirectory;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.net.RoleThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "barrage", mixinStandardHelpOptions = true,
        description = {"Send a cluster a barrage of malformed and hostile requests mixed with valid ones, and check "
                + "every answer: valid ones served, bad ones refused with erro, frames over the size limit met by a "
                + "closed connection, and the cluster still serving afterwards. Exits 1 if anything was not so.",
                "With --embedded it runs its own cluster in this process and also checks that no thread died and "
                + "the heap did not grow."})
final class BarrageCommand implements Callable<Integer> {
    /** Heap the embedded cluster may keep after the barrage (history windows, request ids), after a full GC. */
    private static final long HEAP_GROWTH_LIMIT = 256L << 20;

    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients; several, comma-separated, or a name that resolves to several, and a"
                    + " request that one of them leaves unanswered goes on to the next (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--embedded", description = "Start a cluster in this process on loopback instead of using --broker.")
    boolean embedded;

    @Option(names = "--base-port", defaultValue = "26555", description = "First port for embedded roles (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--frames", defaultValue = "20000", description = "Requests to send in all (default: ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--seconds", defaultValue = "60", description = "Stop after this long even if frames are left (default: ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--seed", defaultValue = "1", description = "The same seed sends the same frames (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (!embedded) {
            return report(Barrage.run(config(broker)), null) ? 0 : 1;
        }
        try (ScratchDirectory data = new ScratchDirectory("bbs-barrage")) {
            EmbeddedCluster.Config cluster = EmbeddedCluster.Config.loopback(basePort, data.path(), 3);
            try (EmbeddedCluster ignored = EmbeddedCluster.start(cluster)) {
                HeapUse.Meter heap = HeapUse.start();
                Barrage.Result result = Barrage.run(config(cluster.clientEndpoint()));
                return report(result, heap.stop()) ? 0 : 1;
            }
        }
    }

    private Barrage.Config config(String endpoint) {
        return new Barrage.Config(endpoint, clients, frames, Duration.ofSeconds(seconds), seed);
    }

    private static boolean report(Barrage.Result result, HeapUse heap) {
        System.out.printf("%-22s %10s %12s%n", "KIND", "SENT", "AS EXPECTED");
        result.sent().forEach((kind, sent) ->
                System.out.printf("%-22s %10d %12d%n", kind, sent, result.asExpected().get(kind)));
        System.out.printf("%d requests in %.1f s (%.0f/s); %d failures; still serving afterwards: %s%n",
                result.total(), result.elapsed().toMillis() / 1000.0,
                result.total() * 1000.0 / Math.max(1, result.elapsed().toMillis()), result.failureCount(),
                result.servingAfterwards() ? "yes" : "NO");
        result.failures().forEach(failure -> System.out.println("  failed: " + failure));
        boolean passed = result.passed();
        if (heap != null) {
            List<RoleThreads.Death> deaths = RoleThreads.deaths();
            System.out.printf("heap after GC: %d MiB before, %d MiB after; old generation peak %d MiB; threads died: %d%n",
                    heap.beforeBytes() >> 20, heap.afterBytes() >> 20, heap.oldGenPeakBytes() >> 20, deaths.size());
            deaths.forEach(death -> System.out.println("  died: " + death));
            passed &= deaths.isEmpty() && heap.growthBytes() < HEAP_GROWTH_LIMIT;
        }
        System.out.println(passed ? "PASSED" : "FAILED");
        return passed;
    }
}
