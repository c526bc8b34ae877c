package org.bulletinboard.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * Writers, each a {@link BoardClient} of its own, posting to {@code channel} (and, with {@code messages}, every fourth
 * write a message to "reader") until stopped, each recording what was acknowledged, what failed, and when every
 * answer came. A writer logs in first. Requests are never abandoned mid-way: a write applied but not acknowledged
 * would look like an extra one.
 */
public final class WriterLoad {
    private final ZContext context;
    private final String brokers;
    private final String channel;
    private final boolean messages;
    private final Duration tryTimeout;
    private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    /** Per writer, when each of its requests was answered (nanoTime). */
    private final List<ConcurrentLinkedQueue<Long>> answered = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    public WriterLoad(ZContext context, String brokers, String channel, boolean messages, Duration tryTimeout) {
        this.context = context;
        this.brokers = brokers;
        this.channel = channel;
        this.messages = messages;
        this.tryTimeout = tryTimeout;
    }

    public void start(int writers) {
        for (int w = 0; w < writers; w++) {
            String user = "writer-" + w;
            ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
            answered.add(times);
            Thread thread = new Thread(() -> write(user, times), user);
            threads.add(thread);
            thread.start();
        }
    }

    private void write(String user, ConcurrentLinkedQueue<Long> times) {
        try (BoardClient client = new BoardClient(context, brokers, Stamper.systemClock(), tryTimeout,
                BoardClient.DEFAULT_ATTEMPTS, () -> false)) {
            record(user + " login", client.login(user), null, times);
            for (int n = 0; !stopping; n++) {
                String text = user + " #" + n;
                Reply reply = messages && n % 4 == 3 ? client.message(user, "reader", text)
                        : client.publish(user, channel, text);
                record(text, reply, text, times);
            }
        } catch (RequestTimeoutException e) {
            failures.add(user + ": " + e.getMessage());
        }
    }

    private void record(String what, Reply reply, String text, ConcurrentLinkedQueue<Long> times) {
        times.add(System.nanoTime());
        if (!reply.ok()) {
            failures.add(what + ": " + reply.error());
        } else if (text != null) {
            acknowledged.add(text);
            count.incrementAndGet();
        }
    }

    /** The longest any writer went without an answer from {@code since} (nanoTime) on, in milliseconds. */
    public long longestGapSince(long since) {
        long longest = 0;
        for (ConcurrentLinkedQueue<Long> times : answered) {
            long previous = since;
            for (long time : times) {
                if (time > since) {
                    longest = Math.max(longest, time - previous);
                    previous = time;
                }
            }
        }
        return longest / 1_000_000;
    }

    public int count() {
        return count.get();
    }

    /** Waits until {@code writes} were acknowledged in all, or one failed. */
    public void awaitAcknowledged(int writes, Duration within) {
        Await.until(within, writes + " acknowledged writes (failures so far: " + failures + ")",
                () -> count.get() >= writes || !failures.isEmpty());
    }

    public void stop() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(3 * tryTimeout.toMillis() * BoardClient.DEFAULT_ATTEMPTS);
        }
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** The texts of the acknowledged writes. */
    public Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }
}
