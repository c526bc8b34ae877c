package org.bulletinboard.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.protocol.RequestHandling;

/**
 * Requests served by a role, by service and outcome ({@code bbs_requests_total}), and their latency
 * ({@code bbs_request_seconds}, a histogram). Service names come from the other side of a socket, so only the
 * role's own services become labels; anything else counts as {@code other}.
 */
public final class RequestMetrics implements RequestHandling.Observer {
    /** Latency buckets, from a read served from memory to a write that waited out the ack timeout. */
    public static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500)};
    private static final String OTHER = "other";

    private final Map<String, Map<RequestHandling.Outcome, Counter>> requests = new HashMap<>();
    private final Map<String, Timer> latency = new HashMap<>();

    /** @param services the services worth a label of their own (the unreadable ones come as {@code error}) */
    public RequestMetrics(MeterRegistry registry, List<String> services) {
        for (String service : services) {
            register(registry, service);
        }
        register(registry, OTHER);
    }

    private void register(MeterRegistry registry, String service) {
        Map<RequestHandling.Outcome, Counter> byOutcome = new EnumMap<>(RequestHandling.Outcome.class);
        for (RequestHandling.Outcome outcome : RequestHandling.Outcome.values()) {
            byOutcome.put(outcome, Counter.builder("bbs.requests").description("requests served")
                    .tag("service", service).tag("outcome", outcome.name().toLowerCase()).register(registry));
        }
        requests.put(service, byOutcome);
        latency.put(service, Timer.builder("bbs.request").description("time to serve a request")
                .tag("service", service).serviceLevelObjectives(BUCKETS).register(registry));
    }

    @Override
    public void served(String service, RequestHandling.Outcome outcome, long nanos) {
        String label = requests.containsKey(service) ? service : OTHER;
        requests.get(label).get(outcome).increment();
        latency.get(label).record(nanos, TimeUnit.NANOSECONDS);
    }
}
