package org.bulletinboard.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * Drives a cluster through its broker with concurrent clients, each with its own socket and thread, one request
 * in flight per client. Requests are timed from when they were due (so a paced run that falls behind counts the
 * wait: no coordinated omission); only requests due inside the measured window count. Posts and messages carry
 * their send time, so subscribers measure publish-to-receive lag in this process.
 */
public final class LoadBenchmark {
    private static final Logger log = LoggerFactory.getLogger(LoadBenchmark.class);
    private static final int CHANNELS = 4;
    private static final Duration DRAIN = Duration.ofSeconds(3);

    /**
     * @param proxyEndpoint where subscribers connect, or null for none
     * @param rate          total requests per second to pace at; 0 sends as fast as replies come
     */
    public record Settings(String brokerEndpoint, String proxyEndpoint, int clients, Workload workload,
                           Duration warmup, Duration duration, double rate, int subscribers, int messageBytes,
                           Duration timeout) {
        public Settings atRate(double newRate) {
            return new Settings(brokerEndpoint, proxyEndpoint, clients, workload, warmup, duration, newRate,
                    subscribers, messageBytes, timeout);
        }

        public Settings against(String broker, String proxy) {
            return new Settings(broker, proxy, clients, workload, warmup, duration, rate, subscribers, messageBytes, timeout);
        }
    }

    /** The measured window, in {@link System#nanoTime} terms. */
    record Window(long start, long end) {
        boolean contains(long nanos) {
            return nanos - start >= 0 && nanos - end < 0;
        }
    }

    private LoadBenchmark() {}

    /** Runs the load and costs it by this process's CPU time and context switches. */
    public static LoadResult run(Settings settings) throws InterruptedException {
        return run(settings, ProcessCost.ofThisProcess(Set.of()));
    }

    /** Runs the load and costs it as {@code cost} reads. */
    public static LoadResult run(Settings settings, ProcessCost cost) throws InterruptedException {
        BenchNames names = BenchNames.draw(settings.clients(), CHANNELS);
        try (ZContext context = new ZContext()) {
            prepare(context, settings, names);
            long start = System.nanoTime() + Duration.ofMillis(200).toNanos();
            long measureStart = start + settings.warmup().toNanos();
            Window window = new Window(measureStart, measureStart + settings.duration().toNanos());
            PublicationProbe probe = settings.proxyEndpoint() == null || settings.subscribers() == 0 ? null
                    : PublicationProbe.start(context, settings.proxyEndpoint(), settings.subscribers(), names.topics(), window);
            try {
                Tally tally = new Tally();
                CountDownLatch done = new CountDownLatch(settings.clients());
                for (String user : names.users()) {
                    RoleThreads.start("bench", user, "client", () -> {
                        try {
                            drive(context, settings, names, user, start, window, tally);
                        } finally {
                            done.countDown();
                        }
                    });
                }
                ProcessCost.Spent spent = measure(cost, window);
                done.await();
                PublicationProbe.Delivery delivery = null;
                if (probe != null) {
                    delivery = probe.drain(tally.published.get() * settings.subscribers(), DRAIN);
                }
                return tally.result(settings, delivery, spent);
            } finally {
                if (probe != null) {
                    probe.close();
                }
            }
        }
    }

    /** Reads the processes' costs at both ends of the measured window. */
    private static ProcessCost.Spent measure(ProcessCost cost, Window window) {
        LockSupport.parkNanos(window.start() - System.nanoTime());
        ProcessCost.Reading before = cost.read();
        long started = System.nanoTime();
        LockSupport.parkNanos(window.end() - started);
        ProcessCost.Reading after = cost.read();
        return cost.between(before, after, System.nanoTime() - started);
    }

    /** Logs every bench user in and creates the channels (one that exists already is fine), with some posts to read. */
    private static void prepare(ZContext context, Settings settings, BenchNames names) {
        try (BoardClient client = new BoardClient(context, settings.brokerEndpoint(), Stamper.systemClock(),
                settings.timeout(), 3, () -> false)) {
            for (String user : names.users()) {
                require(client.login(user));
            }
            for (String channel : names.channels()) {
                Reply reply = client.createChannel(channel);
                if (!reply.ok() && !reply.error().contains("already exists")) {
                    require(reply);
                }
                for (int i = 0; i < 10; i++) {
                    require(client.publish(names.users().get(0), channel, "setup post " + i));
                }
            }
        } catch (RequestTimeoutException e) {
            throw new IllegalStateException("the cluster did not answer while setting up the bench: " + e.getMessage(), e);
        }
    }

    private static void require(Reply reply) {
        if (!reply.ok()) {
            throw new IllegalStateException("setting up the bench failed: " + reply.service() + ": " + reply.error());
        }
    }

    private static void drive(ZContext context, Settings settings, BenchNames names, String user, long start,
                              Window window, Tally tally) {
        long interval = settings.rate() > 0 ? (long) (settings.clients() * 1e9 / settings.rate()) : 0;
        // Paced clients start spread over one interval, so their requests do not arrive in bursts.
        long due = start + (interval > 0 ? Math.floorMod(user.hashCode(), interval) : 0);
        Map<String, Histogram> latency = new TreeMap<>();
        try (BoardClient client = new BoardClient(context, settings.brokerEndpoint(), Stamper.systemClock(),
                settings.timeout(), 1, () -> false)) {
            LockSupport.parkNanos(start - System.nanoTime());
            while (System.nanoTime() - window.end() < 0) {
                for (Workload.Request request : settings.workload().round(user, names)) {
                    if (interval > 0) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    } else {
                        due = System.nanoTime();
                    }
                    if (due - window.end() >= 0) {
                        break;
                    }
                    send(client, request, settings.messageBytes(), window.contains(due) ? latency : null, due, tally);
                    due += interval;
                }
            }
        }
        tally.merge(latency);
    }

    private static void send(BoardClient client, Workload.Request request, int messageBytes,
                             Map<String, Histogram> latency, long due, Tally tally) {
        Map<String, Object> fields = request.fields();
        if (request.carriesBody()) {
            fields = new LinkedHashMap<>(fields);
            fields.put("message", PublicationProbe.body(due, messageBytes)); // lag counts from when it was due, like latency
        }
        boolean counted = latency != null;
        try {
            Reply reply = client.call(request.service(), fields);
            long micros = Math.max(1, (System.nanoTime() - due) / 1_000);
            if (!counted) {
                return;
            }
            latency.computeIfAbsent(request.service(), s -> new Histogram(3)).recordValue(micros);
            if (reply.ok()) {
                tally.completed.incrementAndGet();
                if (request.carriesBody()) {
                    tally.published.incrementAndGet();
                }
            } else {
                tally.error(request.service() + ": " + reply.error());
            }
        } catch (RequestTimeoutException e) {
            if (counted) {
                tally.timeouts.incrementAndGet();
            }
        }
    }

    /** Counts shared by the client threads. */
    private static final class Tally {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final Map<String, Long> errorKinds = new ConcurrentHashMap<>();
        final Map<String, Histogram> latency = new TreeMap<>();

        void error(String description) {
            errors.incrementAndGet();
            if (errorKinds.merge(description, 1L, Long::sum) == 1) {
                log.warn("bench request refused: {}", description);
            }
        }

        synchronized void merge(Map<String, Histogram> client) {
            client.forEach((service, histogram) -> latency.computeIfAbsent(service, s -> new Histogram(3)).add(histogram));
        }

        synchronized LoadResult result(Settings settings, PublicationProbe.Delivery delivery, ProcessCost.Spent cost) {
            Histogram all = new Histogram(3);
            latency.values().forEach(all::add);
            return new LoadResult(settings, completed.get(), errors.get(), timeouts.get(), Map.copyOf(errorKinds),
                    all, new TreeMap<>(latency), delivery, cost);
        }
    }
}
