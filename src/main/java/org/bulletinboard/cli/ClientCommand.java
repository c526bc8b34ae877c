package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.client.TerminalClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.bulletinboard.health.HealthEndpoint;
import org.bulletinboard.health.RoleMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "client", mixinStandardHelpOptions = true, description = "Run the interactive terminal client.")
final class ClientCommand implements Callable<Integer> {
    @Option(names = "--user", defaultValue = "${env:BBS_USER}", description = "Log in as this user on start (default: BBS_USER).")
    String user;

    // Off by default, and not BBS_HTTP_PORT: a second client started in the same container (kubectl exec) must not
    // take the port the first one is probed on. The chart's client Deployment passes --http-port.
    @Option(names = "--http-port", defaultValue = "0",
            description = "Port for /healthz, /readyz and /metrics; 0 for none (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-bind", defaultValue = "${env:BBS_HTTP_BIND:-0.0.0.0}",
            description = "Interface for /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
    String httpBind;

    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients; several, comma-separated, or a name that resolves to several, and a"
                    + " request that one of them leaves unanswered goes on to the next (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--proxy", defaultValue = "${env:BBS_PROXY_SUB:-tcp://localhost:5558}",
            description = "Proxy endpoint to subscribe to (default: ${DEFAULT-VALUE}).")
    String proxy;

    @Option(names = "--timeout-ms", defaultValue = "2500", description = "Wait per try (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--attempts", defaultValue = "3", description = "Tries per request (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Override
    public Integer call() throws Exception {
        QuietLogs.unlessAsked();
        PrometheusMeterRegistry metrics = RoleMetrics.registry("client", TerminalClient.NODE);
        try (HealthEndpoint http = HealthEndpoint.start(httpBind, httpPort, "client", TerminalClient.NODE,
                Optional::empty, metrics)) {
            TerminalClient.run(new TerminalClient.Config(broker, proxy, user, Duration.ofMillis(timeoutMillis), attempts));
        }
        return 0;
    }
}
