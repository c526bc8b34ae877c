package org.bulletinboard.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bulletinboard.net.RoleLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role's small HTTP endpoint, beside the app's own heartbeats, for Kubernetes and Prometheus:
 * <ul>
 *   <li>{@code GET /healthz} (liveness): 200 while every loop of the role makes progress; 503 naming the loop that
 *       died or is stuck. It looks at this role only, so a dead broker never gets healthy servers restarted.
 *   <li>{@code GET /readyz} (readiness): 200 once the role serves; 503 with a one-line reason until then.
 *   <li>{@code GET /metrics}: the role's metrics in the Prometheus text format (Micrometer's exposition).
 * </ul>
 * The JDK's HTTP server on two threads of its own, so a slow scrape does not hold up a probe.
 */
public final class HealthEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthEndpoint.class);

    /** Why a role is not ready yet, or empty once it is. */
    @FunctionalInterface
    public interface Readiness {
        Optional<String> notReadyBecause();
    }

    private final HttpServer server;
    private final ExecutorService threads;

    private HealthEndpoint(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Serves the endpoint of {@code role} on {@code node} at {@code bindHost:port}.
     *
     * @param port 0 for none: the role runs without an endpoint, and null is returned
     */
    public static HealthEndpoint start(String bindHost, int port, String role, String node, Readiness readiness,
                                       PrometheusMeterRegistry metrics) {
        if (port == 0) {
            return null;
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health and metrics on " + bindHost + ":" + port
                    + ": " + e.getMessage(), e);
        }
        server.createContext("/healthz", exchange -> {
            List<String> problems = RoleLoop.problems(role, node);
            answer(exchange, problems.isEmpty() ? 200 : 503, problems.isEmpty() ? "ok" : String.join("; ", problems),
                    "text/plain");
        });
        server.createContext("/readyz", exchange -> {
            Optional<String> reason = readiness.notReadyBecause();
            answer(exchange, reason.isEmpty() ? 200 : 503, reason.orElse("ready"), "text/plain");
        });
        server.createContext("/metrics", exchange ->
                answer(exchange, 200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, role + "-" + node + "-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.start();
        log.info("health and metrics on http://{}:{}/ (healthz, readyz, metrics)", bindHost, server.getAddress().getPort());
        return new HealthEndpoint(server, threads);
    }

    private static void answer(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = (body.endsWith("\n") ? body : body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, "HEAD".equals(exchange.getRequestMethod()) ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                out.write(bytes);
            }
        }
    }

    /** The port served, useful when it was chosen by the system. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
