package org.bulletinboard.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.Http;
import org.junit.jupiter.api.Test;

/** A role's /healthz and /readyz over real HTTP, with loops that die, get stuck, or are fine. */
class HealthEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void livenessNamesALoopThatDiedOrIsStuckAndReadinessGivesItsReason() throws Exception {
        PrometheusMeterRegistry metrics = RoleMetrics.registry("test", "node-x");
        AtomicReference<Optional<String>> notReady = new AtomicReference<>(Optional.of("catching up from peers"));
        CountDownLatch release = new CountDownLatch(1);
        RoleLoop fine = RoleLoop.start("test", "node-x", "fine", loop -> {
            while (loop.running()) {
                Thread.onSpinWait();
            }
        });
        try (HealthEndpoint endpoint = HealthEndpoint.start("127.0.0.1", FreePorts.block(1), "test", "node-x",
                notReady::get, metrics)) {
            int port = endpoint.port();
            assertEquals(new Http.Response(200, "ok\n"), Http.get(port, "/healthz"));
            assertEquals(new Http.Response(503, "catching up from peers\n"), Http.get(port, "/readyz"));
            notReady.set(Optional.empty());
            assertEquals(new Http.Response(200, "ready\n"), Http.get(port, "/readyz"));

            RoleLoop doomed = RoleLoop.start("test", "node-x", "doomed", loop -> {
                throw new IllegalStateException("boom");
            });
            Await.until(WAIT, "/healthz to report the dead loop", () -> Http.get(port, "/healthz").status() == 503);
            assertTrue(Http.get(port, "/healthz").body().contains("doomed thread died: java.lang.IllegalStateException: boom"));
            doomed.close();

            RoleLoop stuck = RoleLoop.start("test", "node-x", "stuck", Duration.ofMillis(200), loop -> {
                while (loop.running()) {
                    try {
                        release.await(); // never asks running() again until released
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Await.until(WAIT, "/healthz to report the stuck loop", () -> Http.get(port, "/healthz").body().contains("stuck thread stuck for"));
            release.countDown();
            stuck.close();
            Await.until(WAIT, "/healthz to be fine again", () -> Http.get(port, "/healthz").status() == 200);
            assertTrue(Http.get(port, "/metrics").body().contains("jvm_threads_live_threads{node=\"node-x\",role=\"test\"}"));
        } finally {
            fine.close();
        }
    }

    @Test
    void aRoleWithPortZeroServesNothing() {
        assertEquals(null, HealthEndpoint.start("127.0.0.1", 0, "test", "none", Optional::empty,
                RoleMetrics.registry("test", "none")));
    }
}
