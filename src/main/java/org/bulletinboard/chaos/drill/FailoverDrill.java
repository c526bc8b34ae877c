package org.bulletinboard.chaos.drill;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.chaos.BoardReader;
import org.bulletinboard.chaos.RoleCaller;
import org.bulletinboard.chaos.check.StoredEvent;
import org.bulletinboard.chaos.cluster.RoleJvm;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * The pod-loss drill on one machine: every role a JVM of its own on loopback (reference server, two brokers, two
 * proxies, three servers, at their default settings but for keeping every post), writers on both brokers and a
 * subscriber on both proxies. Before any fault one window is measured as a baseline; then each role in turn (or a group of roles at
 * once, {@code broker-1+server-2}) is stopped as a deleted pod is (SIGTERM; SIGKILL with {@code kill}) and started
 * again, and for each the window from the stop until it
 * is back reports the longest any writer went without an answer and the longest the subscriber went without a
 * publication. At the end every server is read back: every acknowledged write must be on each, once.
 */
public final class FailoverDrill {
    public static final List<String> ROLES = List.of("reference", "broker-1", "broker-2", "proxy-1", "proxy-2",
            "server-1", "server-2", "server-3");
    private static final int SERVERS = 3;
    private static final String CHANNEL = "drill";
    private static final Duration READY = Duration.ofSeconds(60);
    /** Every post kept, so that the check finds each acknowledged write (retention is the one way a post leaves). */
    private static final int HISTORY_KEEP = 1_000_000;

    /**
     * @param basePort the first of 12 ports on 127.0.0.1: broker-1 (clients, servers), proxy-1 (publishers,
     *                 subscribers), reference, three servers' peers, broker-2, proxy-2
     * @param window   how long each fault's window lasts at least (it also lasts until the role is back)
     */
    public record Settings(int basePort, Path workDir, List<String> roles, int writers, Duration pace, Duration window,
                           boolean kill, List<String> jvmOptions) {}

    /** One window: which role was stopped (none for the baseline), the longest gaps, writes acknowledged in it. */
    public record Row(String role, long clientGapMillis, long publicationGapMillis, long answers) {}

    /**
     * The drill's outcome: a row per window; how many writes were acknowledged; the requests refused or unanswered
     * after every try; per server, acknowledged writes it lacks and writes it holds twice; acknowledged writes the
     * subscriber did not receive live.
     */
    public record Result(List<Row> rows, int acknowledged, List<String> failures, Map<String, Integer> lost,
                         Map<String, Integer> duplicated, int missedLive) {

        /** Nothing acknowledged lost or doubled, no request failed. */
        public boolean clean() {
            return failures.isEmpty() && lost.values().stream().allMatch(n -> n == 0)
                    && duplicated.values().stream().allMatch(n -> n == 0);
        }
    }

    private final Settings settings;
    private final Map<String, RoleJvm> roles = new LinkedHashMap<>();

    private FailoverDrill(Settings settings) {
        this.settings = settings;
        int base = settings.basePort();
        Path logs = settings.workDir().resolve("logs");
        List<String> jvm = settings.jvmOptions();
        add(new RoleJvm("reference", jvm, List.of("reference", "--bind", local(base + 4)), logs));
        add(new RoleJvm("broker-1", jvm, List.of("broker", "--clients", local(base), "--servers", local(base + 1)), logs));
        add(new RoleJvm("broker-2", jvm, List.of("broker", "--clients", local(base + 8), "--servers", local(base + 9)),
                logs));
        add(new RoleJvm("proxy-1", jvm, List.of("proxy", "--publishers", local(base + 2), "--subscribers",
                local(base + 3)), logs));
        add(new RoleJvm("proxy-2", jvm, List.of("proxy", "--publishers", local(base + 10), "--subscribers",
                local(base + 11)), logs));
        for (int i = 1; i <= SERVERS; i++) {
            add(new RoleJvm(server(i), jvm, serverArgs(i), logs));
        }
    }

    private void add(RoleJvm role) {
        roles.put(role.name(), role);
    }

    private List<String> serverArgs(int index) {
        int base = settings.basePort();
        List<String> peers = new ArrayList<>();
        for (int j = 1; j <= SERVERS; j++) {
            if (j != index) {
                peers.add(server(j) + "=" + local(peerPort(j)));
            }
        }
        Path data = settings.workDir().resolve("data").resolve(server(index));
        return List.of("server", "--name", server(index), "--data", data.toString(),
                "--broker", local(base + 1) + "," + local(base + 9),
                "--proxy", local(base + 2) + "," + local(base + 10),
                "--proxy-subscribers", local(base + 3) + "," + local(base + 11),
                "--reference", local(base + 4), "--peer-port", String.valueOf(peerPort(index)),
                "--peer-bind", local(peerPort(index)), "--peer-address", local(peerPort(index)),
                "--peers", String.join(",", peers), "--history-keep", String.valueOf(HISTORY_KEEP));
    }

    private int peerPort(int index) {
        return settings.basePort() + 4 + index;
    }

    private static String server(int index) {
        return "server-" + index;
    }

    private static String local(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    private String brokers() {
        return local(settings.basePort()) + "," + local(settings.basePort() + 8);
    }

    private String proxies() {
        return local(settings.basePort() + 3) + "," + local(settings.basePort() + 11);
    }

    /** Runs the drill, printing its progress and table to {@code out}. */
    public static Result run(Settings settings, PrintStream out) throws IOException, InterruptedException {
        FailoverDrill drill = new FailoverDrill(settings);
        try {
            return drill.drill(out);
        } finally {
            List<RoleJvm> all = new ArrayList<>(drill.roles.values());
            Collections.reverse(all);
            all.forEach(RoleJvm::stop);
        }
    }

    private Result drill(PrintStream out) throws IOException, InterruptedException {
        for (int i = 1; i <= SERVERS; i++) {
            Files.createDirectories(settings.workDir().resolve("data").resolve(server(i)));
        }
        roles.values().forEach(RoleJvm::start);
        List<Row> rows = new ArrayList<>();
        Result result;
        try (ZContext context = new ZContext()) {
            awaitUp(context);
            out.printf("cluster up: 2 brokers, 2 proxies, %d servers, reference server; %d writers, one subscriber;"
                    + " roles %s%n", SERVERS, settings.writers(), settings.kill() ? "SIGKILLed" : "stopped (SIGTERM)");
            DrillLoad load = new DrillLoad(context, brokers(), proxies(), CHANNEL, settings.writers(), settings.pace());
            try {
                await("the writers' first acknowledgements", () -> load.acknowledged().size() >= 10 * settings.writers());
                long start = System.nanoTime();
                awaitMillis(settings.window().toMillis());
                rows.add(row("(none)", load, start, System.nanoTime()));
                for (String name : settings.roles()) {
                    rows.add(fault(name, load));
                    out.println(format(rows.get(rows.size() - 1)));
                }
            } finally {
                load.close();
            }
            result = check(context, load, rows);
        }
        printTable(result, out);
        return result;
    }

    /**
     * Stops one role, or several at once ({@code a+b}), starts them again, and measures the window until they are
     * back and the minimum has passed.
     */
    private Row fault(String group, DrillLoad load) throws InterruptedException {
        List<String> names = List.of(group.split("\\+"));
        Map<String, Long> readyBefore = brokerReadyLines();
        long stopped = System.nanoTime();
        for (String name : names) {
            if (settings.kill()) {
                roles.get(name).kill();
            } else {
                roles.get(name).stop();
            }
        }
        names.forEach(name -> roles.get(name).start());
        for (String name : names) {
            if (name.startsWith("broker-")) {
                await(name + " back with every server",
                        () -> brokerReadyLines().get(name) >= readyBefore.get(name) + SERVERS);
            } else if (name.startsWith("server-")) {
                await(name + " back at both brokers", () -> brokerReadyLines().entrySet().stream()
                        .allMatch(e -> e.getValue() > readyBefore.get(e.getKey())));
            }
        }
        awaitMillis(settings.window().toMillis() - (System.nanoTime() - stopped) / 1_000_000);
        return row(group, load, stopped, System.nanoTime());
    }

    private Row row(String role, DrillLoad load, long from, long to) {
        List<List<Long>> answers = load.answerTimes();
        long answered = answers.stream().flatMap(List::stream).filter(t -> t - from > 0 && t - to <= 0).count();
        return new Row(role, Gaps.longestMillis(answers, from, to),
                Gaps.longestMillis(List.of(load.publicationTimes()), from, to), answered);
    }

    /** How many times each broker has logged a server's worker ready (or back by heartbeat), across its restarts. */
    private Map<String, Long> brokerReadyLines() {
        Map<String, Long> lines = new HashMap<>();
        for (String broker : List.of("broker-1", "broker-2")) {
            try (var log = Files.lines(roles.get(broker).log())) {
                lines.put(broker, log.filter(line -> line.contains(" ready (") || line.contains(" rejoined by heartbeat ("))
                        .count());
            } catch (IOException | UncheckedIOException e) {
                lines.put(broker, 0L);
            }
        }
        return lines;
    }

    private void awaitUp(ZContext context) {
        await("every server ready at both brokers", () -> brokerReadyLines().values().stream().allMatch(n -> n >= SERVERS));
        try (BoardClient setup = new BoardClient(context, brokers(), Stamper.systemClock(), Duration.ofSeconds(2), 30,
                () -> false)) {
            if (!setup.createChannel(CHANNEL).ok()) {
                throw new IllegalStateException("could not create channel " + CHANNEL);
            }
        } catch (RequestTimeoutException e) {
            throw new IllegalStateException("the cluster did not answer: " + e.getMessage(), e);
        }
    }

    /** Waits until every server holds every acknowledged write, then counts, per server, the lost and the doubled. */
    private Result check(ZContext context, DrillLoad load, List<Row> rows) throws InterruptedException {
        Set<String> acknowledged = load.acknowledged();
        Map<String, Integer> lost = new LinkedHashMap<>();
        Map<String, Integer> duplicated = new LinkedHashMap<>();
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            for (int i = 1; i <= SERVERS; i++) {
                Map<String, Set<String>> origins = new HashMap<>();
                int doubled = 0;
                for (StoredEvent event : held(context, i)) {
                    if (event.request() != null && event.request().startsWith("drill-writer-")
                            && !origins.computeIfAbsent(event.request(), r -> new HashSet<>()).add(event.origin())) {
                        doubled++;
                    }
                }
                lost.put(server(i), (int) acknowledged.stream().filter(id -> !origins.containsKey(id)).count());
                duplicated.put(server(i), doubled);
            }
            if (lost.values().stream().allMatch(n -> n == 0) || System.nanoTime() - deadline > 0) {
                break;
            }
            Thread.sleep(500); // between readings of every server, while the last writes replicate
        }
        return new Result(rows, acknowledged.size(), load.failures(), lost, duplicated, load.missedLive().size());
    }

    private List<StoredEvent> held(ZContext context, int index) {
        try (RoleCaller peer = new RoleCaller(context, local(peerPort(index)), Duration.ofSeconds(10), 3)) {
            return BoardReader.events(peer).events();
        } catch (RequestTimeoutException | ProtocolException e) {
            return List.of();
        }
    }

    private static void printTable(Result result, PrintStream out) {
        out.println();
        out.printf("%-40s %20s %24s %10s%n", "ROLES STOPPED", "LONGEST CLIENT GAP", "LONGEST PUBLICATION GAP",
                "ANSWERS");
        result.rows().forEach(row -> out.println(format(row)));
        out.printf("%d writes acknowledged, %d failed; lost %s, duplicated %s; %d not received live%s%n",
                result.acknowledged(), result.failures().size(), result.lost(), result.duplicated(),
                result.missedLive(), result.missedLive() == 0 ? "" : " (to be read back with history)");
        result.failures().stream().limit(5).forEach(failure -> out.println("  failed: " + failure));
    }

    private static String format(Row row) {
        return String.format("%-40s %17d ms %21d ms %10d", row.role(), row.clientGapMillis(),
                row.publicationGapMillis(), row.answers());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + READY.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + READY.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    /** Lets the load run on for a while: what a window measures. */
    private static void awaitMillis(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
