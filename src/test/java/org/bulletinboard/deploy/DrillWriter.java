package org.bulletinboard.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.Await;
import org.zeromq.ZContext;

/**
 * A client that keeps posting through the broker while a drill runs, about 20 posts a second, each with a
 * request id of its own kept across its retries (Lazy Pirate, 3 tries of 2.5 s), and records what became of each:
 * acknowledged, or failed (refused, or unanswered after its retries).
 */
final class DrillWriter implements AutoCloseable {
    /** One write: its request id, when it ended, and whether it was acknowledged. */
    record Write(String requestId, long endedNanos, boolean acknowledged) {}

    private static final Duration PAUSE = Duration.ofMillis(50);

    private final String brokerEndpoint;
    private final String user;
    private final String channel;
    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private final Thread thread;

    DrillWriter(String brokerEndpoint, String user, String channel) {
        this.brokerEndpoint = brokerEndpoint;
        this.user = user;
        this.channel = channel;
        this.thread = new Thread(this::run, "drill-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, brokerEndpoint, Stamper.systemClock(),
                     BoardClient.DEFAULT_TIMEOUT, BoardClient.DEFAULT_ATTEMPTS, () -> !running)) {
            for (long n = 1; running; n++) {
                String id = "drill-" + n;
                boolean ok;
                try {
                    Reply reply = client.call("publish", Map.of("user", user, "channel", channel,
                            "message", "drill post " + n, Fields.REQUEST_ID, id));
                    ok = reply.ok();
                } catch (RequestTimeoutException e) {
                    ok = false;
                }
                if (running) {
                    writes.add(new Write(id, System.nanoTime(), ok));
                }
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(PAUSE.toMillis()); // the writer's pace, not a wait for anything
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }

    /** The request ids of every acknowledged write so far. */
    List<String> acknowledged() {
        return writes.stream().filter(Write::acknowledged).map(Write::requestId).toList();
    }

    /** Waits until {@code more} writes beyond those acknowledged now are acknowledged. */
    void awaitMoreAcknowledged(int more, Duration timeout) {
        int target = acknowledged().size() + more;
        Await.until(timeout, target + " acknowledged writes", () -> acknowledged().size() >= target);
    }

    /** Writes that ended after {@code sinceNanos}: how many, and how many failed. */
    long[] attemptsAndFailuresSince(long sinceNanos) {
        List<Write> since = writes.stream().filter(w -> w.endedNanos() - sinceNanos > 0).toList();
        return new long[] {since.size(), since.stream().filter(w -> !w.acknowledged()).count()};
    }

    /** How many writes were acknowledged after {@code sinceNanos}. */
    long acknowledgedSince(long sinceNanos) {
        return writes.stream().filter(w -> w.acknowledged() && w.endedNanos() - sinceNanos > 0).count();
    }

    /**
     * The longest time clients went without an acknowledgement, from {@code sinceNanos} on: the widest gap between
     * one acknowledged write and the next (or {@code sinceNanos} and the first).
     */
    long longestSilenceMillisSince(long sinceNanos) {
        return longestSilenceMillis(writes.stream().filter(Write::acknowledged).map(Write::endedNanos).toList(),
                sinceNanos);
    }

    /**
     * The widest gap among {@code times} (nanoTime, in order) from {@code sinceNanos} on: between it and the first
     * time after it, and between each such time and the next; in milliseconds.
     */
    static long longestSilenceMillis(Iterable<Long> times, long sinceNanos) {
        long previous = sinceNanos;
        long longest = 0;
        for (long time : times) {
            if (time - sinceNanos > 0) {
                longest = Math.max(longest, time - previous);
                previous = time;
            }
        }
        return longest / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
