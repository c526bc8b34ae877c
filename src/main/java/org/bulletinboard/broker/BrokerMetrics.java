package org.bulletinboard.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.health.RequestMetrics;

/**
 * What the broker counts for {@code /metrics}, and how long the cluster takes over each request it passes on
 * ({@code bbs_broker_request_seconds}: from the request's arrival to its reply, so neither a client's own queueing
 * nor its network is in it). Its queue and workers belong to its loop thread, which publishes their sizes here
 * once a pass; the scrape reads those, never the collections themselves.
 */
final class BrokerMetrics {
    private final Counter forwarded;
    private final Counter replied;
    private final Timer latency;
    private final Counter requeued;
    private final Counter poisoned;
    private final Counter refused;
    private volatile int queued;
    private volatile int idleWorkers;
    private volatile int workers;
    private volatile long expired;

    BrokerMetrics(MeterRegistry registry) {
        forwarded = Counter.builder("bbs.broker.forwarded").description("requests handed to a worker").register(registry);
        replied = Counter.builder("bbs.broker.replies").description("replies passed back to clients").register(registry);
        latency = Timer.builder("bbs.broker.request")
                .description("from a client's request reaching the broker to its reply going back: the cluster's own time")
                .serviceLevelObjectives(RequestMetrics.BUCKETS).register(registry);
        requeued = Counter.builder("bbs.broker.requeued").description("requests put back after their worker was lost")
                .register(registry);
        poisoned = Counter.builder("bbs.broker.poison").description("requests dropped after they cost several workers")
                .register(registry);
        refused = Counter.builder("bbs.broker.refused")
                .description("requests the broker answered with erro itself (several frames, queue full, poison)")
                .register(registry);
        FunctionCounter.builder("bbs.broker.expired", this, m -> m.expired)
                .description("requests dropped after waiting past their deadline").register(registry);
        Gauge.builder("bbs.broker.queue.length", this, m -> m.queued).description("requests waiting for a worker")
                .register(registry);
        Gauge.builder("bbs.broker.workers.idle", this, m -> m.idleWorkers).description("workers waiting for a request")
                .register(registry);
        Gauge.builder("bbs.broker.workers", this, m -> m.workers).description("workers known").register(registry);
    }

    void publish(int queued, int idleWorkers, int workers, long expired) {
        this.queued = queued;
        this.idleWorkers = idleWorkers;
        this.workers = workers;
        this.expired = expired;
    }

    void forwarded() {
        forwarded.increment();
    }

    void replied(long nanos) {
        replied.increment();
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void requeued() {
        requeued.increment();
    }

    void poisoned() {
        poisoned.increment();
    }

    void refused() {
        refused.increment();
    }
}
