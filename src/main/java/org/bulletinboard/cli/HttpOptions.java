package org.bulletinboard.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.bulletinboard.health.HealthEndpoint;
import picocli.CommandLine.Option;

/** The HTTP endpoint of a long-running role: /healthz, /readyz and /metrics (a picocli mixin). */
final class HttpOptions {
    // Off unless asked for: several roles share a host (README, separate processes), and one port would take turns.
    // The image, the chart and Compose set BBS_HTTP_PORT=8080.
    @Option(names = "--http-port", defaultValue = "${env:BBS_HTTP_PORT:-0}",
            description = "Port for /healthz, /readyz and /metrics; 0 for none (default: BBS_HTTP_PORT, else none).")
    int port;

    @Option(names = "--http-bind", defaultValue = "${env:BBS_HTTP_BIND:-0.0.0.0}",
            description = "Interface for /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
    String bind;

    HealthEndpoint serve(String role, String node, HealthEndpoint.Readiness readiness, PrometheusMeterRegistry metrics) {
        return HealthEndpoint.start(bind, port, role, node, readiness, metrics);
    }
}
