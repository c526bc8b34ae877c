package org.bulletinboard.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.bulletinboard.chaos.ChaosRun;
import org.bulletinboard.chaos.ChaosSettings;
import org.bulletinboard.chaos.RunReport;
import org.bulletinboard.chaos.nemesis.Nemesis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"The fault checker: runs the cluster as separate JVMs on loopback, each link through a relay it "
                + "controls, while clients record every operation; injects faults (kills, pauses, partitions, a down "
                + "reference server, a full disk, a wiped server, hostile clocks), heals them, and checks the history "
                + "against what every server holds.",
                "Prints one summary line, writes report.json and history.jsonl in --out, and exits 1 if a safety "
                + "property failed. A run repeats from its --seed."})
final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed of every random draw (default: a new one, printed).")
    Long seed;

    @Option(names = "--mix", description = "Draw faults at random, sometimes a second halfway through the first, for --duration-s; without it each"
            + " nemesis runs once, in turn.")
    boolean mix;

    @Option(names = "--duration-s", defaultValue = "600", description = "Length of a --mix run (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Option(names = "--nemesis", split = ",", description = "Nemeses to use, by name (default: all): ${COMPLETION-CANDIDATES}.",
            converter = NemesisConverter.class, completionCandidates = NemesisNames.class)
    List<Nemesis> nemeses;

    @Option(names = "--hold-ms", defaultValue = "5000",
            description = "How long a fault lasts before it is healed, where it has no measure of its own (default: ${DEFAULT-VALUE}).")
    long holdMillis;

    @Option(names = "--course-clients", defaultValue = "3",
            description = "Clients as the course's: no request_id, one try (default: ${DEFAULT-VALUE}).")
    int courseClients;

    @Option(names = "--retrying-clients", defaultValue = "3",
            description = "Clients that send a request_id and try 3 times with it (default: ${DEFAULT-VALUE}).")
    int retryingClients;

    @Option(names = "--pace-ms", defaultValue = "30", description = "Each client's pause between operations (default: ${DEFAULT-VALUE}).")
    long paceMillis;

    @Option(names = "--servers", defaultValue = "3", description = "Servers (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--heartbeat-ms", defaultValue = "1000", description = "Servers' and broker's heartbeat (default: ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--heartbeat-timeout-ms", defaultValue = "3000",
            description = "The reference server's heartbeat timeout (default: ${DEFAULT-VALUE}).")
    long heartbeatTimeoutMillis;

    @Option(names = "--ack-timeout-ms", defaultValue = "500", description = "Servers' ack timeout (default: ${DEFAULT-VALUE}).")
    long ackTimeoutMillis;

    @Option(names = "--catch-up-ms", defaultValue = "5000", description = "Servers' catch-up interval (default: ${DEFAULT-VALUE}).")
    long catchUpMillis;

    @Option(names = "--quiet-timeout-ms", defaultValue = "30000",
            description = "After a heal, how long to wait for every server to be ready and hold the same events (default: ${DEFAULT-VALUE}).")
    long quietTimeoutMillis;

    @Option(names = "--base-port", defaultValue = "28555",
            description = "First of the ports the roles bind on 127.0.0.1, 5 + one per server (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--out", description = "Work directory: data, logs, history.jsonl, report.json (default: chaos-runs/<seed>-<time>).")
    Path out;

    @Option(names = "--jvm-options", split = " ", defaultValue = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            description = "Options of each role's JVM (default: ${DEFAULT-VALUE}).")
    List<String> jvmOptions;

    @Option(names = "--small-disk-mb", defaultValue = "128",
            description = "The last server's data on a tmpfs this large, for the disk nemesis (needs root); 0: none (default: ${DEFAULT-VALUE}).")
    int smallDiskMegabytes;

    @Override
    public Integer call() throws Exception {
        QuietLogs.unlessAsked();
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000);
        Path work = out != null ? out : Path.of("chaos-runs", runSeed + "-" + System.currentTimeMillis() / 1000);
        RunReport report = ChaosRun.run(new ChaosSettings(runSeed, mix, Duration.ofSeconds(durationSeconds),
                nemeses == null ? List.of(Nemesis.values()) : nemeses, Duration.ofMillis(holdMillis), courseClients,
                retryingClients, paceMillis, servers, Duration.ofMillis(heartbeatMillis),
                Duration.ofMillis(heartbeatTimeoutMillis), Duration.ofMillis(ackTimeoutMillis),
                Duration.ofMillis(catchUpMillis), Duration.ofMillis(quietTimeoutMillis), basePort, work, jvmOptions,
                smallDiskMegabytes), System.out);
        return report.safe() ? 0 : 1;
    }

    static final class NemesisConverter implements picocli.CommandLine.ITypeConverter<Nemesis> {
        @Override
        public Nemesis convert(String label) {
            return Nemesis.byLabel(label);
        }
    }

    static final class NemesisNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Arrays.stream(Nemesis.values()).map(Nemesis::label).iterator();
        }
    }
}
