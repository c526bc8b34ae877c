package org.bulletinboard.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.bulletinboard.health.RequestMetrics;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;

/**
 * What a server counts for {@code /metrics}: requests by service and outcome with their latency, the time peers
 * take to acknowledge a write, the time its loop waits for an fsync, and (registered by {@link BoardServer}) the
 * replication backlog, catch-up, the store's events and fsyncs, peers, the coordinator and the clocks.
 */
final class ServerMetrics implements RequestHandling.Observer, AutoCloseable {
    private final MeterRegistry registry;
    /**
     * The gauges and counters read off this server's parts: removed when it closes, so that a server started again
     * on the same registry is read instead of this one (the timers and request counts go on counting).
     */
    private final List<Meter> boundToThisServer = new ArrayList<>();
    private final RequestMetrics requests;
    private final Timer ackLatency;
    private final Timer syncLatency;

    ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requests = new RequestMetrics(registry, List.of(Services.LOGIN, Services.USERS, Services.CHANNEL,
                Services.CHANNELS, Services.PUBLISH, Services.MESSAGE, Services.HISTORY, Services.INBOX,
                Services.STATUS, Services.REPLICATE, Services.CATCH_UP, Services.CLOCK, Services.CLOCK_ADJUST,
                Services.ELECTION, Services.ERROR));
        this.ackLatency = Timer.builder("bbs.replication.ack")
                .description("time for every live peer to acknowledge a write")
                .serviceLevelObjectives(RequestMetrics.BUCKETS).register(registry);
        this.syncLatency = Timer.builder(BoardServer.FSYNC_TIMER)
                .description("time the server's loop waited for one fsync of its log, which every write waits for: "
                        + "a slow or stalling disk shows here first")
                .serviceLevelObjectives(RequestMetrics.BUCKETS).register(registry);
    }

    @Override
    public void served(String service, RequestHandling.Outcome outcome, long nanos) {
        requests.served(service, outcome, nanos);
    }

    void acked(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void synced(long nanos) {
        syncLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void gauge(String name, String description, Supplier<Number> value) {
        boundToThisServer.add(Gauge.builder(name, value).description(description).register(registry));
    }

    /** A count kept by {@code owner} (Micrometer holds it weakly: it must live as long as the server). */
    <T> void counter(String name, String description, T owner, ToDoubleFunction<T> total) {
        boundToThisServer.add(FunctionCounter.builder(name, owner, total).description(description).register(registry));
    }

    @Override
    public void close() {
        boundToThisServer.forEach(registry::remove);
        boundToThisServer.clear();
    }
}
