package org.bulletinboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.bulletinboard.health.RequestMetrics;
import org.bulletinboard.server.BoardServer;
import org.junit.jupiter.api.Test;

class DiskWaitsTest {
    /** Built as a server builds its fsync timer, in the registry a server's metrics use. */
    private static Timer fsyncTimer(PrometheusMeterRegistry registry, String node) {
        return Timer.builder(BoardServer.FSYNC_TIMER).tag("node", node).serviceLevelObjectives(RequestMetrics.BUCKETS)
                .register(registry);
    }

    private static void record(Timer timer, long... millis) {
        for (long each : millis) {
            timer.record(Duration.ofMillis(each));
        }
    }

    @Test
    void countsTheWaitsOfEveryServerAndThoseOverEachBoundBetweenTwoReadings() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer first = fsyncTimer(registry, "server-1");
        Timer second = fsyncTimer(registry, "server-2");
        record(first, 30); // before the first reading: not counted
        DiskWaits before = DiskWaits.of(List.of(first, second));
        record(first, 1, 5, 6, 12);
        record(second, 3, 10, 11);
        DiskWaits spent = DiskWaits.of(List.of(first, second)).since(before);
        assertEquals(7, spent.fsyncs());
        assertEquals(Duration.ofMillis(48).toNanos(), spent.waitedNanos());
        assertEquals(4, spent.slow(), "over 5 ms: 6, 12, 10 and 11 (5 itself is not over)");
        assertEquals(2, spent.stalled(), "over 10 ms: 12 and 11");
    }

    @Test
    void unknownStaysUnknown() {
        assertEquals(DiskWaits.NONE, DiskWaits.NONE.since(DiskWaits.of(List.of())));
        assertEquals(DiskWaits.NONE, DiskWaits.of(List.of()).since(DiskWaits.NONE));
    }
}
