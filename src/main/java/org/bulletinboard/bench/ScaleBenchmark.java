package org.bulletinboard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;

/**
 * How the cost of the board grows with its history: for each size, the three servers' data directories are
 * preloaded with that many posts (as if replicated from a fourth server), then it measures the start-up of a
 * store (after a crash, and after a clean stop), the publish throughput of the cluster, the heap in use after a
 * full collection, and how long a wiped server takes to catch up with everything.
 */
public final class ScaleBenchmark {
    private static final String PRELOAD_ORIGIN = "preload.000000";
    private static final int USERS = 1_000;
    private static final int CHANNELS = 100;
    private static final int BATCH = 10_000;
    /** Events after the last checkpoint at the simulated crash: just under the checkpoint interval. */
    private static final int CRASH_TAIL = BoardStore.DEFAULT_CHECKPOINT_EVERY - 1_000;
    private static final Duration WAIT = Duration.ofMinutes(10);

    /** @param load the publish load run against each size (its endpoints are replaced) */
    public record Settings(int basePort, List<Integer> sizes, LoadBenchmark.Settings load) {}

    /** One size's figures; times in milliseconds, sizes in bytes. */
    public record Row(int posts, long logBytes, long crashRecoveryMillis, long cleanStartMillis, double publishPerSecond,
                      double publishP99Millis, long heapUsedBytes, long catchUpMillis, long eventsCaughtUp) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("posts", posts);
            map.put("log_mib", Math.round(logBytes / 1024.0 / 1024.0 * 10) / 10.0);
            map.put("recovery_after_crash_ms", crashRecoveryMillis);
            map.put("start_after_clean_stop_ms", cleanStartMillis);
            map.put("publish_per_s", Math.round(publishPerSecond));
            map.put("publish_p99_ms", publishP99Millis);
            map.put("heap_used_mib", Math.round(heapUsedBytes / 1024.0 / 1024.0));
            map.put("wiped_server_catch_up_ms", catchUpMillis);
            map.put("events_caught_up", eventsCaughtUp);
            return map;
        }
    }

    private ScaleBenchmark() {}

    public static List<Row> run(Settings settings) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int size : settings.sizes()) {
            rows.add(measure(settings, size));
        }
        return rows;
    }

    private static Row measure(Settings settings, int posts) throws IOException, InterruptedException {
        try (ScratchDirectory scratch = new ScratchDirectory("bbs-scale")) {
            EmbeddedCluster.Config config = EmbeddedCluster.Config.loopback(settings.basePort(), scratch.path(), 3);
            Path first = scratch.path().resolve("server-1");
            preload(first, posts);
            long crashRecovery = timeOpen(first);
            long cleanStart = timeOpen(first);
            for (int i = 2; i <= 3; i++) {
                BoardStore.copyHistory(first, scratch.path().resolve("server-" + i));
            }
            long logBytes = BoardStore.logBytes(first);
            try (EmbeddedCluster cluster = EmbeddedCluster.start(config)) {
                LoadResult load = LoadBenchmark.run(settings.load().against(config.clientEndpoint(), config.subscriberEndpoint()));
                long heap = heapUsedAfterGc();
                cluster.stopServer(2);
                ScratchDirectory.deleteTree(cluster.dataDir(2));
                long started = System.nanoTime();
                cluster.startServer(2);
                long target = cluster.server(0).eventCount();
                TimedWait.until("the wiped server to catch up", WAIT, () -> cluster.server(2).ready() && cluster.server(2).eventCount() >= target);
                long catchUp = (System.nanoTime() - started) / 1_000_000;
                return new Row(posts, logBytes, crashRecovery, cleanStart, load.throughput(),
                        load.p99Millis("publish"), heap, catchUp, cluster.server(2).eventCount());
            }
        }
    }

    /**
     * Writes {@code posts} posts by 1000 users to 100 channels, with their logins and channel creations. The last
     * {@link #CRASH_TAIL} come after the last checkpoint and the store is never closed, as if it crashed just
     * before its next checkpoint: the longest log tail a start-up can have to read.
     */
    private static void preload(Path dir, int posts) throws IOException {
        Preloader preloader = new Preloader();
        int tail = Math.min(posts, CRASH_TAIL);
        try (BoardStore store = BoardStore.open(dir, "server-1", Stamper.systemClock())) {
            preloader.users(store);
            preloader.posts(store, posts - tail);
        }
        BoardStore crashed = BoardStore.open(dir, "server-1", Stamper.systemClock());
        preloader.posts(crashed, tail);
        crashed.crash();
    }

    /** Synthetic events from a server that is not in the cluster, numbered on across stores. */
    private static final class Preloader {
        private final long now = System.currentTimeMillis();
        private long seq;
        private int posted;

        void users(BoardStore store) throws IOException {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                batch.add(event(Event.LOGIN, "user-" + i, null, null));
            }
            for (int i = 0; i < CHANNELS; i++) {
                batch.add(event(Event.CHANNEL, null, "channel-" + i, null));
            }
            store.applyReplicated(batch);
        }

        void posts(BoardStore store, int count) throws IOException {
            List<Event> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < count; i++, posted++) {
                batch.add(event(Event.POST, "user-" + posted % USERS, "channel-" + posted % CHANNELS,
                        "post " + posted + " of the preloaded history, about as long as a line someone would write"));
                if (batch.size() == BATCH) {
                    store.applyReplicated(batch);
                    batch.clear();
                }
            }
            store.applyReplicated(batch);
        }

        private Event event(String type, String user, String channel, String message) {
            seq++;
            return new Event(PRELOAD_ORIGIN, seq, seq, now, type, user, channel, null, null, message, null);
        }
    }

    /** Opens and closes the store, returning how long opening took. */
    private static long timeOpen(Path dir) throws IOException {
        long started = System.nanoTime();
        BoardStore store = BoardStore.open(dir, "server-1", Stamper.systemClock());
        long millis = (System.nanoTime() - started) / 1_000_000;
        store.close();
        return millis;
    }

    private static long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc(); // a measurement, not a tuning: what stays reachable
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
