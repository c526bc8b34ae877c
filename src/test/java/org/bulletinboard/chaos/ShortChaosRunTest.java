package org.bulletinboard.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bulletinboard.chaos.cluster.SmallDisk;
import org.bulletinboard.chaos.nemesis.Nemesis;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.FreePorts;
import org.junit.jupiter.api.Test;

/**
 * The fault checker's short run in every build: the cluster as separate JVMs, every nemesis once, with heartbeats
 * four times as fast as the defaults so it fits in two minutes. A nemesis whose phase breaks a safety property must
 * be in {@link #KNOWN_FAILURES}, in plain sight; one that no longer breaks anything should leave it.
 */
class ShortChaosRunTest {
    private static final Path WORK = Path.of("target", "chaos-short-run");

    /**
     * Nemeses that break a safety property (seen in runs of this test or of {@code bbs chaos}), by name, with what
     * they break and why. Empty since writes are acknowledged by a quorum of configured servers, storage fails stop
     * and clocks are bounded; before that it held twelve.
     */
    private static final Map<String, String> KNOWN_FAILURES = Map.of();

    @Test
    void everyNemesisOnceBreaksOnlyWhatIsKnownToBreak() throws Exception {
        SmallDisk.releaseLeftovers(WORK);
        FileTree.delete(WORK);
        RunReport report = ChaosRun.run(new ChaosSettings(26, false, Duration.ZERO, List.of(Nemesis.values()),
                Duration.ofMillis(1500), 3, 3, 30, 3, Duration.ofMillis(250), Duration.ofMillis(1000),
                Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofSeconds(8), FreePorts.block(8), WORK,
                List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), 64), System.out);

        Set<String> covered = report.phases().stream().flatMap(phase -> phase.nemeses().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(labels()), covered, "every nemesis ran");
        List<String> unexpected = new ArrayList<>();
        for (Phase phase : report.phases()) {
            List<String> nemeses = phase.nemeses().isEmpty() ? List.of("none") : phase.nemeses();
            if (phase.brokeSafety() && !KNOWN_FAILURES.keySet().containsAll(nemeses)) {
                unexpected.add("phase " + phase.index() + " " + nemeses + ": " + phase.found());
            }
        }
        // What only the last check finds (boards, the clients' view) comes of the last phase's fault.
        Phase last = report.phases().get(report.phases().size() - 1);
        if (!Findings.INFORMATIONAL.containsAll(report.finalFound().keySet())
                && !KNOWN_FAILURES.keySet().containsAll(last.nemeses())) {
            unexpected.add("the final check: " + report.finalFound());
        }
        assertEquals(List.of(), unexpected, "safety broken by nemeses not known to break it");
        assertTrue(report.ops().ok() > 1000, "the clients got work done: " + report.ops());
    }

    private static List<String> labels() {
        return java.util.Arrays.stream(Nemesis.values()).map(Nemesis::label).toList();
    }
}
