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
     * Nemeses that break a safety property on today's code (seen in runs of this test or of {@code bbs chaos}), with
     * what they break and why. "An acknowledgement is a promise" empties this list.
     */
    private static final Map<String, String> KNOWN_FAILURES = Map.ofEntries(
            Map.entry("none", "non-monotonic: right after start a server serves reads before every peer pushes to it"
                    + " (a write waits only for the peers its server links to, and links follow the reference server's"
                    + " list a heartbeat late)"),
            Map.entry("kill-server", "duplicated and resurrected: the broker hands a course client's request, which"
                    + " the killed server may have applied, to another server: without a request_id a post is applied"
                    + " twice, and a channel created is answered 'already exists'; non-monotonic: the restarted"
                    + " server serves reads before its peers push to it"),
            Map.entry("kill-reference", "non-monotonic: the restarted reference server lists only the servers that"
                    + " have beaten since, so servers drop their peers for a while and serve what they alone hold"),
            Map.entry("pause-long", "duplicated: as for kill-server, for the requests the paused server held"),
            Map.entry("partition-reference", "non-monotonic: the server cut from the reference server is dropped by"
                    + " its peers, gets no more writes, and still serves clients through the broker"),
            Map.entry("partition-broker", "duplicated and non-monotonic: as for kill-server, for the requests the cut"
                    + " server held"),
            Map.entry("partition-majority", "duplicated and non-monotonic: as for partition-broker and"
                    + " partition-reference, whichever side the broker and the reference server are on"),
            Map.entry("reference-down-restarts", "non-monotonic: a server restarted while the reference server is"
                    + " down is ready without catching up; duplicated and resurrected: as for kill-server"),
            Map.entry("wipe", "non-monotonic: the wiped server serves reads before its peers push to it;"
                    + " duplicated and order: as for kill-server (a post applied twice moves in later reads)"),
            Map.entry("clock-skew", "non-monotonic: as for wipe, after the restart that skews the clock"),
            Map.entry("disk-full", "not converged: the server whose disk filled cannot read its own log for catch-up"
                    + " (internal server error), or does not start again"),
            Map.entry("clock-bomb", "lost and not converged: once a clock passes 2^53 - 1 every replication and"
                    + " catch-up answer is refused, and writes are acknowledged that only one server holds"));

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
        if (report.finalFound().keySet().stream().anyMatch(kind -> !Findings.STALE.equals(kind))
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
