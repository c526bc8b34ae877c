package org.bulletinboard.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bulletinboard.chaos.check.Fn;
import org.bulletinboard.chaos.check.HistoryChecker;
import org.bulletinboard.chaos.check.Lost;
import org.bulletinboard.chaos.check.Op;
import org.bulletinboard.chaos.check.Outcome;
import org.bulletinboard.chaos.check.Verdict;
import org.bulletinboard.chaos.cluster.ChaosCluster;
import org.bulletinboard.chaos.cluster.LinkRelay;
import org.bulletinboard.chaos.cluster.RoleJvm;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FileTree;
import org.bulletinboard.support.FreePorts;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/**
 * The checker against deliberately broken stores, end to end: real clients write and read through the broker of a
 * cluster of separate JVMs, then, with the servers stopped, their logs are edited as a broken store would leave
 * them (an acknowledged post forgotten everywhere, a refused one present, one written twice, and on one server, kept
 * apart from its peers, a post moved after another). Read back through the servers' own read paths and the clients'
 * next read, every edit must show as the anomaly it is; before the edits the same history is judged safe.
 */
class BrokenStoreIsCaughtTest {
    private static final Path WORK = Path.of("target", "chaos-broken-store");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void everyPropertyFailsOnAStoreThatBreaksIt() throws Exception {
        FileTree.delete(WORK);
        try (ChaosCluster cluster = ChaosCluster.start(new ChaosCluster.Settings(3, FreePorts.block(8), WORK,
                Duration.ofMillis(250), Duration.ofMillis(1000), Duration.ofMillis(500), Duration.ofMillis(1000),
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), 0));
             ZContext context = new ZContext();
             History history = new History(WORK.resolve("history.jsonl"), System.nanoTime())) {
            ClusterProbe probe = new ClusterProbe(cluster, context);
            assertTrue(probe.awaitQuiet(BOUND).isPresent(), "the cluster starts");
            ClientGate gate = new ClientGate();
            Workload workload = new Workload();
            List<Thread> clients = new ArrayList<>();
            for (String process : List.of("course-1", "retry-1")) {
                Thread client = new Thread(new ChaosClient(process, process.startsWith("retry"), process.hashCode(),
                        context, cluster.clientEndpoint(), history, workload, gate, 5));
                client.start();
                clients.add(client);
            }
            Await.until(BOUND, "posts acknowledged and read back, three to one channel", () -> {
                List<Op> ops = history.completed();
                return !seenTwice(ops).isEmpty() && posts(ops).values().stream().anyMatch(in -> in.size() >= 4);
            });
            gate.stop();
            for (Thread client : clients) {
                client.join(BOUND.toMillis());
            }
            Op refused = refusedPost(context, cluster, history);
            assertTrue(probe.awaitQuiet(BOUND).isPresent(), "the cluster is quiet");
            assertTrue(check(probe, history).safe(), "an unbroken cluster is judged safe");

            List<Op> ops = history.completed();
            Op forgotten = seenTwice(ops).get(0);
            List<Op> crowded = posts(ops).values().stream().filter(in -> in.size() >= 4).findFirst().orElseThrow();
            List<Op> others = crowded.stream().filter(op -> op != forgotten).toList();
            Op moved = others.get(0); // the first of its channel, moved after the rest on server-3
            Op doubled = others.get(1);
            cluster.roles().forEach(RoleJvm::stop);
            for (String server : cluster.serverNames()) {
                Path data = cluster.dataDir(server);
                List<Map<String, Object>> events = readLog(data);
                Map<String, Object> copy = new LinkedHashMap<>(find(events, doubled.value()));
                copy.put("origin", "saboteur");
                copy.put("seq", 1);
                copy.remove("request");
                Map<String, Object> resurrected = new LinkedHashMap<>(copy);
                resurrected.put("seq", 2);
                resurrected.put("channel", refused.key());
                resurrected.put("message", refused.value());
                events.remove(find(events, forgotten.value()));
                events.add(copy);
                events.add(resurrected);
                if (server.equals("server-3")) {
                    Map<String, Object> later = new LinkedHashMap<>(find(events, moved.value()));
                    events.remove(later);
                    later.put("origin", "saboteur-moved");
                    later.put("seq", 1);
                    later.put("lamport", events.stream().mapToLong(e -> ((Number) e.get("lamport")).longValue()).max()
                            .orElseThrow() + 1);
                    events.add(later);
                }
                // Written back as a log from before segments, which the server takes as its first segment; with no
                // snapshot, it replays the whole log.
                write(data.resolve("events.jsonl"), events);
                Files.deleteIfExists(data.resolve("snapshot.json"));
            }
            // server-3 stays apart from its peers, so catch-up cannot undo its edit.
            for (String peer : List.of("server-1", "server-2")) {
                cluster.link("server-3", peer).cut();
                cluster.link(peer, "server-3").cut();
            }
            cluster.roles().forEach(RoleJvm::start);
            for (String server : List.of("server-1", "server-2")) {
                Await.until(BOUND, server + " ready again", () -> probe.status(server)
                        .map(row -> Boolean.TRUE.equals(row.get("ready"))).orElse(false));
            }
            // server-3, alone, never hears a quorum and so never serves clients; it answers its peers' socket.
            assertTrue(probe.awaitAnswering("server-3", BOUND), "server-3 answers");
            Op reread = reread(context, cluster, history, forgotten);

            Verdict verdict = check(probe, history);
            assertEquals(List.of(forgotten.value()), verdict.lost().stream().map(Lost::value).toList(), "lost");
            assertEquals(List.of("server-1", "server-2", "server-3"), verdict.lost().get(0).missingOn());
            assertEquals(List.of(refused.value()), verdict.resurrected().stream().map(r -> r.value()).toList());
            assertEquals(Set.of(doubled.value()), verdict.duplicated().stream().map(d -> d.value())
                    .collect(Collectors.toSet()), "duplicated");
            assertTrue(verdict.nonMonotonic().stream().anyMatch(n -> n.laterOp() == reread.index()
                    && n.missing().contains(forgotten.value())), "the client's read lost what it had seen: "
                    + verdict.nonMonotonic());
            assertTrue(verdict.order().stream().anyMatch(o -> o.cycle().contains(moved.value())),
                    "server-3 shows a post after one it came before: " + verdict.order());
            assertFalse(verdict.convergence().converged(), "server-3 differs");
            cluster.links().forEach(LinkRelay::heal);
        }
    }

    private static Verdict check(ClusterProbe probe, History history) {
        ClusterProbe.Reading reading = probe.read(false, Set.of());
        return HistoryChecker.check(history.completed(), reading.servers(),
                List.copyOf(reading.unreadable().keySet()), null);
    }

    /** Acknowledged posts by channel, oldest first. */
    private static Map<String, List<Op>> posts(List<Op> ops) {
        return ops.stream().filter(op -> op.isOkWrite() && op.f() == Fn.PUBLISH)
                .collect(Collectors.groupingBy(Op::key, LinkedHashMap::new, Collectors.toList()));
    }

    /** Acknowledged posts that an ok, complete read by the same client showed afterwards, oldest first. */
    private static List<Op> seenTwice(List<Op> ops) {
        return ops.stream().filter(op -> op.isOkWrite() && op.f() == Fn.PUBLISH)
                .filter(post -> ops.stream().anyMatch(read -> read.isOkRead() && read.complete()
                        && read.process().equals(post.process()) && read.read().contains(post.value())))
                .toList();
    }

    /** A post to a channel that does not exist, refused, in the history as a client's failed write. */
    private static Op refusedPost(ZContext context, ChaosCluster cluster, History history) throws Exception {
        History.Invocation invocation = history.invoke("saboteur", Fn.PUBLISH, "ch.none", "p.refused", null);
        try (RoleCaller broker = new RoleCaller(context, cluster.clientEndpoint(), Duration.ofSeconds(5), 3)) {
            broker.call("publish", Map.of("user", "saboteur", "channel", "ch.none", "message", "p.refused"));
            throw new AssertionError("a post to a channel that does not exist was accepted");
        } catch (ProtocolException refusal) {
            return history.complete(invocation, Outcome.FAIL, refusal.getMessage(), List.of(), false);
        }
    }

    /** The client that saw {@code post} reads its channel again, through the broker. */
    private static Op reread(ZContext context, ChaosCluster cluster, History history, Op post)
            throws RequestTimeoutException, ProtocolException {
        History.Invocation invocation = history.invoke(post.process(), Fn.HISTORY, post.key(), null, null);
        try (RoleCaller broker = new RoleCaller(context, cluster.clientEndpoint(), Duration.ofSeconds(5), 3)) {
            Map<String, Object> reply = broker.call("history", Map.of("channel", post.key(), "limit", 500));
            List<String> texts = ((List<?>) reply.get("messages")).stream()
                    .map(entry -> (String) ((Map<?, ?>) entry).get("message")).toList();
            return history.complete(invocation, Outcome.OK, null, texts, !reply.containsKey("next"));
        }
    }

    private static Map<String, Object> find(List<Map<String, Object>> events, String message) {
        return events.stream().filter(e -> message.equals(e.get("message"))).findFirst().orElseThrow();
    }

    /** Every event of a server's log, all its segments in order; the segments are deleted. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> readLog(Path data) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(data)) {
            segments = files.filter(file -> file.getFileName().toString().matches("events-\\d{20}\\.jsonl")).sorted()
                    .toList();
        }
        assertEquals("events-" + "0".repeat(20) + ".jsonl", segments.get(0).getFileName().toString(),
                "the log is whole: a run this short never compacts it");
        List<Map<String, Object>> events = new ArrayList<>();
        for (Path segment : segments) {
            for (String line : Files.readAllLines(segment)) {
                if (!line.isBlank()) {
                    events.add(JSON.readValue(line, LinkedHashMap.class));
                }
            }
            Files.delete(segment);
        }
        return events;
    }

    private static void write(Path log, List<Map<String, Object>> events) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> event : events) {
            lines.add(JSON.writeValueAsString(event));
        }
        Files.write(log, lines);
    }
}
