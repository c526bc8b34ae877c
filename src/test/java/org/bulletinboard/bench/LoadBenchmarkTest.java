package org.bulletinboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.bulletinboard.cluster.EmbeddedCluster;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench counts what really crossed the sockets; how fast it was is for the bench itself, not asserted here. */
class LoadBenchmarkTest {
    @TempDir
    Path data;

    private static LoadBenchmark.Settings settings(Workload workload) {
        return new LoadBenchmark.Settings(null, null, 4, workload, Duration.ofMillis(300), Duration.ofMillis(1000), 0,
                2, 64, Duration.ofSeconds(5));
    }

    @Test
    void everyAcknowledgedPostIsCountedAndDeliveredToEachSubscriber() throws Exception {
        EmbeddedCluster.Config config = TestCluster.config(data, 3);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config)) {
            LoadResult result = LoadBenchmark.run(settings(Workload.MIXED)
                    .against(config.clientEndpoint(), config.subscriberEndpoint()),
                    ProcessCost.ofThisProcess(Set.of()).withDiskWaits(cluster::fsyncTimers));
            assertTrue(result.completed() > 0, "requests completed");
            assertEquals(0, result.errors() + result.timeouts(), result.errorKinds().toString());
            assertEquals(result.completed(), result.latencyMicros().getTotalCount(), "one latency per answered request");
            assertTrue(result.latencyByService().containsKey("publish") && result.latencyByService().containsKey("channels"));
            // The cost is read from before the window until the clients stop: the window's requests and some of the
            // warm-up's, never fewer.
            assertTrue(result.costedRequests() > result.completed(),
                    result.costedRequests() + " costed against " + result.completed() + " in the window");
            PublicationProbe.Delivery delivery = result.delivery();
            assertNotNull(delivery);
            assertTrue(delivery.expected() > 0);
            assertEquals(delivery.expected(), delivery.received(), "each subscriber got every post and message sent in the window");
            assertEquals(delivery.received(), delivery.lagMicros().getTotalCount());
            long held = cluster.server(0).view().postCount();
            assertTrue(held > 0, "the posts reached the servers");
            // Each server forced its log for the writes it took and those replicated to it.
            DiskWaits disk = result.cost().disk();
            assertTrue(disk.fsyncs() >= 3, "fsyncs: " + disk);
            assertTrue(disk.waitedNanos() > 0 && disk.stalled() <= disk.slow() && disk.slow() <= disk.fsyncs(),
                    disk.toString());
            assertEquals(disk.fsyncs(), ((Map<?, ?>) result.toMap().get("servers_fsyncs")).get("count"));
        }
    }

    @Test
    void theEchoRunSendsTheSameLoadToWorkersThatOnlyEcho() throws Exception {
        int base = FreePorts.block(2);
        try (EchoCluster ignored = EchoCluster.start("tcp://127.0.0.1:" + base, "tcp://127.0.0.1:" + (base + 1), 4,
                Duration.ofMillis(200))) {
            LoadResult result = LoadBenchmark.run(settings(Workload.PUBLISH).against("tcp://127.0.0.1:" + base, null));
            assertTrue(result.completed() > 0);
            assertEquals(0, result.errors() + result.timeouts());
            assertNull(result.delivery(), "echo workers publish nothing");
            assertEquals(0, result.sentLate(), "an unpaced client is never late");
        }
    }

    @Test
    void aPacedRunCountsTheRequestsItSentLate() throws Exception {
        int base = FreePorts.block(2);
        try (EchoCluster ignored = EchoCluster.start("tcp://127.0.0.1:" + base, "tcp://127.0.0.1:" + (base + 1), 4,
                Duration.ofMillis(200))) {
            // A million requests a second from 4 one-request clients: each is due 4 µs after the last, long before
            // its answer comes back, so nearly every one goes out late. With no warm-up, all are due in the window.
            LoadBenchmark.Settings overloaded = new LoadBenchmark.Settings("tcp://127.0.0.1:" + base, null, 4,
                    Workload.PUBLISH, Duration.ZERO, Duration.ofMillis(1000), 1_000_000, 0, 64, Duration.ofSeconds(5));
            LoadResult result = LoadBenchmark.run(overloaded);
            assertTrue(result.completed() > 0);
            assertTrue(result.sentLate() > result.completed() / 2, "sent late: " + result.sentLate() + " of "
                    + result.completed());
            assertTrue(result.sentLate() <= result.completed() + result.errors() + result.timeouts(),
                    "no more late than sent");
        }
    }

    @Test
    void pacedClientsStartEvenlySpreadOverOneInterval() {
        LoadBenchmark.Settings paced = new LoadBenchmark.Settings(null, null, 16, Workload.PUBLISH, Duration.ZERO,
                Duration.ofSeconds(1), 1600, 0, 64, Duration.ofSeconds(5));
        long interval = Duration.ofMillis(10).toNanos(); // 16 clients at 1 600 req/s: each sends every 10 ms
        for (int i = 0; i < 16; i++) {
            assertEquals(i * interval / 16, LoadBenchmark.phase(i, paced), "client " + i + "'s start");
        }
        assertEquals(0, LoadBenchmark.phase(5, settings(Workload.PUBLISH)), "unpaced clients start together");
    }
}
