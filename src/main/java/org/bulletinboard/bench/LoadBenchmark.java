package org.bulletinboard.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    /** How long before the window the cost is first read, so that the reading is over when the window opens. */
    private static final Duration COST_LEAD = Duration.ofSeconds(1);

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
                Costed costed = new Costed();
                CountDownLatch done = new CountDownLatch(settings.clients());
                for (int i = 0; i < settings.clients(); i++) {
                    String user = names.users().get(i);
                    long offset = phase(i, settings);
                    RoleThreads.start("bench", user, "client", () -> {
                        try {
                            drive(context, settings, names, user, start + offset, window, tally, costed);
                        } finally {
                            done.countDown();
                            costed.awaitLastReading(); // a thread's context switches leave /proc with it
                        }
                    });
                }
                ProcessCost.Spent spent = measure(cost, window, settings.warmup(), done, costed);
                PublicationProbe.Delivery delivery = null;
                if (probe != null) {
                    delivery = probe.drain(tally.published.get() * settings.subscribers(), DRAIN);
                }
                return tally.result(settings, delivery, spent, costed.requests.get());
            } finally {
                if (probe != null) {
                    probe.close();
                }
            }
        }
    }

    /**
     * Reads the processes' costs from shortly before the window until every client has stopped: a reading walks
     * every thread's {@code /proc} entry, milliseconds of CPU that, at the window's start, delayed its first
     * requests. Costs per request divide by the requests completed between the two readings.
     */
    private static ProcessCost.Spent measure(ProcessCost cost, Window window, Duration warmup, CountDownLatch done,
                                             Costed costed) throws InterruptedException {
        long lead = Math.min(COST_LEAD.toNanos(), warmup.toNanos());
        LockSupport.parkNanos(window.start() - lead - System.nanoTime());
        try {
            ProcessCost.Reading before = cost.read();
            long started = System.nanoTime();
            costed.counting = true;
            done.await();
            ProcessCost.Reading after = cost.read();
            return cost.between(before, after, System.nanoTime() - started);
        } finally {
            costed.lastReading.countDown();
        }
    }

    /** Successful requests completed since the first cost reading, and when the last reading is taken. */
    private static final class Costed {
        private static final Duration MAX_READING = Duration.ofSeconds(30);
        volatile boolean counting;
        final AtomicLong requests = new AtomicLong();
        final CountDownLatch lastReading = new CountDownLatch(1);

        void awaitLastReading() {
            try {
                lastReading.await(MAX_READING.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    /** Nanoseconds between one paced client's requests; 0 unpaced. */
    private static long interval(Settings settings) {
        return settings.rate() > 0 ? (long) (settings.clients() * 1e9 / settings.rate()) : 0;
    }

    /**
     * When paced client {@code index} starts, after the first: the clients start evenly spread over one interval,
     * so that their requests arrive one by one at the paced rate. Bursts would flatter the cluster, which serves a
     * burst in one pass, with one fsync (BENCHMARKS.md, "Paced clients arrived in bursts").
     */
    static long phase(int index, Settings settings) {
        return interval(settings) * index / settings.clients();
    }

    /** One client's requests from {@code start}, one in flight, each timed from when it was due. */
    private static void drive(ZContext context, Settings settings, BenchNames names, String user, long start,
                              Window window, Tally tally, Costed costed) {
        long interval = interval(settings);
        long due = start;
        Map<String, Histogram> latency = new TreeMap<>();
        // The warm-up does all the window does, into counts thrown away: a path taken only from the window's start
        // on would be compiled then, on the clock of the first measured requests.
        Map<String, Histogram> warmupLatency = new TreeMap<>();
        Tally warmupTally = new Tally();
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
                    boolean counted = window.contains(due);
                    if (counted && interval > 0 && System.nanoTime() - due > interval) {
                        tally.sentLate.incrementAndGet();
                    }
                    send(client, request, settings.messageBytes(), counted ? latency : warmupLatency, due,
                            counted ? tally : warmupTally, costed);
                    due += interval;
                }
            }
        }
        tally.merge(latency);
    }

    private static void send(BoardClient client, Workload.Request request, int messageBytes,
                             Map<String, Histogram> latency, long due, Tally tally, Costed costed) {
        Map<String, Object> fields = request.fields();
        if (request.carriesBody()) {
            fields = new LinkedHashMap<>(fields);
            fields.put("message", PublicationProbe.body(due, messageBytes)); // lag counts from when it was due, like latency
        }
        try {
            Reply reply = client.call(request.service(), fields);
            long micros = Math.max(1, (System.nanoTime() - due) / 1_000);
            latency.computeIfAbsent(request.service(), s -> new Histogram(3)).recordValue(micros);
            if (reply.ok()) {
                tally.completed.incrementAndGet();
                if (costed.counting) {
                    costed.requests.incrementAndGet();
                }
                if (request.carriesBody()) {
                    tally.published.incrementAndGet();
                }
            } else {
                tally.error(request.service() + ": " + reply.error());
            }
        } catch (RequestTimeoutException e) {
            tally.timeouts.incrementAndGet();
        }
    }

    /** Counts shared by the client threads. */
    private static final class Tally {
        final AtomicLong completed = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        /** Paced requests sent over one interval after they were due: their client still awaited earlier ones. */
        final AtomicLong sentLate = new AtomicLong();
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

        synchronized LoadResult result(Settings settings, PublicationProbe.Delivery delivery, ProcessCost.Spent cost,
                                       long costedRequests) {
            Histogram all = new Histogram(3);
            latency.values().forEach(all::add);
            return new LoadResult(settings, completed.get(), errors.get(), timeouts.get(), sentLate.get(),
                    Map.copyOf(errorKinds), all, new TreeMap<>(latency), delivery, cost, costedRequests);
        }
    }
}
