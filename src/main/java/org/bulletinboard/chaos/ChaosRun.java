package org.bulletinboard.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.bulletinboard.chaos.check.Availability;
import org.bulletinboard.chaos.check.Fn;
import org.bulletinboard.chaos.check.HistoryChecker;
import org.bulletinboard.chaos.check.ObservedBoard;
import org.bulletinboard.chaos.check.Op;
import org.bulletinboard.chaos.check.Outcome;
import org.bulletinboard.chaos.check.StoredEvent;
import org.bulletinboard.chaos.check.Verdict;
import org.bulletinboard.chaos.cluster.ChaosCluster;
import org.bulletinboard.chaos.cluster.RoleJvm;
import org.bulletinboard.chaos.nemesis.Fault;
import org.bulletinboard.chaos.nemesis.FaultContext;
import org.bulletinboard.chaos.nemesis.Nemesis;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Timestamps;
import org.zeromq.ZContext;

/**
 * One run of the fault checker: starts the cluster as separate JVMs, sets clients loose on it, and goes through
 * phases. Each phase injects one fault (or, in a mixed run, sometimes a second one halfway through), holds them,
 * heals them, waits until every client is answered again, holds the
 * clients, waits until the cluster is quiet, and checks the whole history so far against what each server holds.
 * At the end the clients stop, and a last check also reads every server's board and what clients see through the
 * broker. Which faults come, on which targets, and what each client does are drawn from the seed, so a run repeats
 * from it (timings aside).
 */
public final class ChaosRun implements FaultContext {
    private static final Duration START_BOUND = Duration.ofSeconds(90);
    /** How long every client gets to be answered again after a heal. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(20);
    /** Long enough for a retrying client's last try to end: held clients finish what they started. */
    private static final Duration IDLE_BOUND = ChaosClient.TRY_TIMEOUT.multipliedBy(ChaosClient.RETRIES + 1);
    private static final String NEMESIS_PROCESS = "nemesis";

    private final ChaosSettings settings;
    private final PrintStream out;
    private final Random schedule;
    private final Random targets;
    private final long startNanos = System.nanoTime();
    private final ClientGate gate = new ClientGate();
    private final Findings findings = new Findings();
    private final List<String> clientNames = new ArrayList<>();
    private final Workload workload = new Workload();
    /** Nemeses of a short run already planned. */
    private int planned;
    private ChaosCluster cluster;
    private ZContext context;
    private History history;
    private ClusterProbe probe;
    private int nemesisWrites;

    private ChaosRun(ChaosSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.schedule = new Random(settings.seed());
        this.targets = new Random(settings.seed() + 1);
    }

    /** Runs the checker; the report is also written to the work directory. */
    public static RunReport run(ChaosSettings settings, PrintStream out) throws IOException, InterruptedException {
        return new ChaosRun(settings, out).execute();
    }

    private RunReport execute() throws IOException, InterruptedException {
        Files.createDirectories(settings.workDir());
        out.printf("chaos: seed %d, %s, work directory %s%n", settings.seed(),
                settings.mix() ? "random faults for " + settings.duration().toSeconds() + " s" : "each nemesis once",
                settings.workDir().toAbsolutePath());
        cluster = ChaosCluster.start(new ChaosCluster.Settings(settings.servers(), settings.basePort(),
                settings.workDir(), settings.heartbeat(), settings.heartbeatTimeout(), settings.ackTimeout(),
                settings.catchUp(), settings.jvmOptions(), settings.smallDiskMegabytes()));
        List<Thread> clients = new ArrayList<>();
        // Ctrl-C must not leave the roles running, paused, or a disk mounted.
        Thread stopCluster = new Thread(() -> {
            try {
                cluster.close();
            } catch (IOException e) {
                System.err.println("chaos: stopping the cluster: " + e.getMessage());
            }
        }, "chaos-stop");
        Runtime.getRuntime().addShutdownHook(stopCluster);
        try {
            context = new ZContext();
            history = new History(settings.workDir().resolve("history.jsonl"), startNanos);
            probe = new ClusterProbe(cluster, context);
            if (probe.awaitQuiet(START_BOUND).isEmpty()) {
                throw new IllegalStateException("the cluster was not ready within " + START_BOUND.toSeconds()
                        + " s; see the logs in " + settings.workDir().resolve("logs"));
            }
            clients.addAll(startClients());
            List<Phase> phases = new ArrayList<>();
            phases.add(phase(0, List.of()));
            for (List<Nemesis> next = nextPhase(); next != null; next = nextPhase()) {
                phases.add(phase(phases.size(), next));
            }
            gate.stop();
            for (Thread client : clients) {
                client.join(IDLE_BOUND.toMillis());
            }
            return finish(phases);
        } finally {
            gate.stop();
            if (history != null) {
                history.close();
            }
            cluster.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopCluster);
            } catch (IllegalStateException shuttingDown) {
                // the hook is stopping the cluster already
            }
            if (context != null) {
                context.close();
            }
        }
    }

    private List<Thread> startClients() {
        List<Thread> threads = new ArrayList<>();
        int total = settings.courseClients() + settings.retryingClients();
        for (int i = 0; i < total; i++) {
            boolean retries = i >= settings.courseClients();
            String name = retries ? "retry-" + (i - settings.courseClients() + 1) : "course-" + (i + 1);
            clientNames.add(name);
            Thread thread = new Thread(new ChaosClient(name, retries, settings.seed() + 10 + i, context,
                    cluster.clientEndpoint(), history, workload, gate, settings.paceMillis()), "chaos-" + name);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    /** The nemeses of the next phase, or null when the run is over. */
    private List<Nemesis> nextPhase() {
        if (!settings.mix()) {
            return planned < settings.nemeses().size() ? List.of(settings.nemeses().get(planned++)) : null;
        }
        if (System.nanoTime() - startNanos > settings.duration().toNanos()) {
            return null;
        }
        List<Nemesis> together = new ArrayList<>(List.of(Nemesis.draw(settings.nemeses(), schedule)));
        if (settings.nemeses().size() > 1 && schedule.nextInt(10) < 3) { // a second fault at once, three times in ten
            Nemesis second;
            do {
                second = Nemesis.draw(settings.nemeses(), schedule);
            } while (together.contains(second));
            together.add(second);
        }
        return together;
    }

    private Phase phase(int index, List<Nemesis> nemeses) throws InterruptedException {
        long start = System.nanoTime();
        List<Fault> faults = new ArrayList<>();
        List<String> described = new ArrayList<>();
        // A second fault comes halfway through the first (two servers paused, then the third wiped), and the phase
        // lasts until the later of the two has been held its time. Sleeps here are the faults' lengths.
        long end = start;
        for (Nemesis nemesis : nemeses) {
            if (!faults.isEmpty()) {
                Thread.sleep(holdOf(faults.get(0)).toMillis() / 2);
            }
            try {
                Fault fault = nemesis.inject(this);
                faults.add(fault);
                described.add(nemesis.label() + ": " + fault.description());
                end = Math.max(end, System.nanoTime() + holdOf(fault).toNanos());
            } catch (Exception e) {
                described.add(nemesis.label() + ": could not be injected: " + e);
            }
        }
        Thread.sleep(Math.max(0, (faults.isEmpty() ? start + settings.hold().toNanos() : end) - System.nanoTime())
                / 1_000_000);
        Collections.reverse(faults);
        for (Fault fault : faults) {
            try {
                fault.heal();
            } catch (Exception e) {
                described.add("healing '" + fault.description() + "' failed: " + e);
            }
        }
        List<String> down = notRunning();
        try {
            cluster.healAll();
        } catch (IOException e) {
            described.add("healing the cluster failed: " + e);
        }
        long healed = System.nanoTime();
        Long recovered = awaitRecovery(healed);
        gate.close();
        gate.awaitIdle(IDLE_BOUND.toMillis());
        // Every operation of the fault's time has ended now, so its availability is known.
        Availability availability = Availability.of(history.completed(), start,
                recovered != null ? recovered : healed + RECOVERY_BOUND.toNanos());
        Optional<Duration> quiet = probe.awaitQuiet(settings.quietTimeout());
        Map<String, Findings.Found> found = findings.newIn(check(false));
        List<String> notBack = notRunning();
        gate.open();
        String label = nemeses.isEmpty() ? "none" : String.join("+", nemeses.stream().map(Nemesis::label).toList());
        int ops = availability.ok() + availability.fail() + availability.info();
        out.printf("phase %d (%s): %s; %d ops, %d ok, longest without an answer %.1f s; %s%s%n", index, label,
                described.isEmpty() ? "no fault" : String.join("; ", described), ops, availability.ok(),
                availability.longestOutageNanos() / 1e9, quiet.map(d -> "quiet after " + d.toMillis() + " ms")
                        .orElse("NOT quiet within " + settings.quietTimeout().toSeconds() + " s"),
                found.isEmpty() ? "" : "; found " + counts(found));
        found.forEach((kind, what) -> what.examples().stream().limit(3)
                .forEach(example -> out.printf("    %s: %s%n", kind, example)));
        return new Phase(index, nemeses.stream().map(Nemesis::label).toList(), described, millis(start),
                millis(healed), recovered == null ? null : millis(recovered), quiet.map(Duration::toMillis).orElse(null),
                availability, down, found, notBack);
    }

    /** How long a fault lasts: its own measure, or the run's hold. */
    private Duration holdOf(Fault fault) {
        return fault.hold().orElse(settings.hold());
    }

    /** Waits until every client has been answered since {@code healed}; when that was, or null past the bound. */
    private Long awaitRecovery(long healed) throws InterruptedException {
        long deadline = healed + RECOVERY_BOUND.toNanos();
        while (System.nanoTime() - deadline < 0) {
            long latest = 0;
            boolean all = true;
            for (String client : clientNames) {
                Long answered = history.lastAnswer(client);
                if (answered == null || answered - healed < 0) {
                    all = false;
                    break;
                }
                latest = Math.max(latest, answered);
            }
            if (all) {
                return latest;
            }
            Thread.sleep(20); // the poll interval of a wait with a deadline
        }
        return null;
    }

    private List<String> notRunning() {
        List<String> down = new ArrayList<>();
        for (RoleJvm role : cluster.roles()) {
            if (!role.isAlive()) {
                down.add(role.name() + (role.exitCode() == null ? "" : " (exit code " + role.exitCode() + ")")
                        + ": " + role.lastLogLine());
            }
        }
        return down;
    }

    /** Checks the history so far against every server's log and, with {@code boards}, its board and the clients'. */
    private Verdict check(boolean boards) {
        List<Op> ops = history.completed();
        ClusterProbe.Reading reading = probe.read(false, Set.of());
        ObservedBoard clientView = null;
        if (boards) {
            Set<String> inboxes = new HashSet<>();
            ops.stream().filter(op -> op.f() == Fn.MESSAGE || op.f() == Fn.INBOX).forEach(op -> inboxes.add(op.key()));
            reading.servers().forEach(server -> server.events().stream().filter(e -> "message".equals(e.type()))
                    .map(StoredEvent::key).forEach(inboxes::add));
            reading = probe.read(true, inboxes);
            try {
                clientView = probe.clientView(inboxes);
            } catch (RequestTimeoutException | ProtocolException e) {
                out.println("could not read the board through the broker: " + e.getMessage());
            }
        }
        reading.unreadable().forEach((server, why) -> out.printf("%s could not be read: %s%n", server, why));
        return HistoryChecker.check(ops, reading.servers(), List.copyOf(reading.unreadable().keySet()), clientView);
    }

    private RunReport finish(List<Phase> phases) throws IOException {
        List<String> down = notRunning();
        cluster.healAll();
        Optional<Duration> quiet = probe.awaitQuiet(settings.quietTimeout());
        Verdict last = check(true);
        Map<String, Findings.Found> found = findings.newIn(last);
        RunReport report = RunReport.of(settings, phases, last, findings, found, down,
                quiet.map(Duration::toMillis).orElse(null), millis(System.nanoTime()));
        report.write(settings.workDir().resolve("report.json"));
        out.println(report.summaryLine());
        return report;
    }

    private long millis(long nanos) {
        return (nanos - startNanos) / 1_000_000;
    }

    private static String counts(Map<String, Findings.Found> found) {
        return String.join(", ", found.entrySet().stream().map(e -> e.getValue().count() + " " + e.getKey()).toList());
    }

    @Override
    public ChaosCluster cluster() {
        return cluster;
    }

    @Override
    public Random random() {
        return targets;
    }

    @Override
    public Duration heartbeatTimeout() {
        return settings.heartbeatTimeout();
    }

    /** A login through the broker stamped with {@code clock}, recorded in the history as the nemesis's own write. */
    @Override
    public void sendClock(long clock) {
        String user = "u." + NEMESIS_PROCESS + "." + ++nemesisWrites;
        History.Invocation invocation = history.invoke(NEMESIS_PROCESS, Fn.LOGIN, null, user, null);
        Map<String, Object> data = Map.of("user", user, "timestamp", Timestamps.toWire(System.currentTimeMillis()),
                "clock", clock);
        try (LazyPirateClient broker = new LazyPirateClient(context, cluster.clientEndpoint(), ChaosClient.TRY_TIMEOUT,
                1, () -> false)) {
            Envelope reply = Envelope.decode(broker.request(new Envelope(Services.LOGIN, data).encode()));
            Outcome outcome = ReplyOutcome.of(reply.data());
            history.complete(invocation, outcome, outcome == Outcome.OK ? null : Replies.errorText(reply.data()),
                    List.of(), false);
        } catch (RequestTimeoutException | ProtocolException e) {
            history.complete(invocation, Outcome.INFO, e.getMessage(), List.of(), false);
        }
    }

    @Override
    public long highestLamport() {
        return probe.highestLamport();
    }

    @Override
    public boolean awaitLamportBeyond(long clock, Duration bound) {
        return probe.awaitLamportBeyond(clock, bound);
    }

    @Override
    public boolean awaitAnswering(String server, Duration bound) {
        return probe.awaitAnswering(server, bound);
    }
}
