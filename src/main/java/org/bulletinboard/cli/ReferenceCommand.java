package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.reference.ReferenceServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.bulletinboard.health.RoleMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reference", mixinStandardHelpOptions = true,
        description = "Run the reference server: ranks, the list of live servers, heartbeats.")
final class ReferenceCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "${env:BBS_REFERENCE_BIND:-tcp://*:5559}",
            description = "Endpoint to bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--heartbeat-timeout-ms", defaultValue = "${env:BBS_HEARTBEAT_TIMEOUT_MS:-3000}",
            description = "A server silent this long leaves the live list (default: ${DEFAULT-VALUE}).")
    long heartbeatTimeoutMillis;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        UntilStopped until = UntilStopped.install("reference", "reference");
        PrometheusMeterRegistry metrics = RoleMetrics.registry("reference", "reference");
        until.add(http.serve("reference", "reference", Optional::empty, metrics)); // ready once bound, below
        until.add(ReferenceServer.start(new ReferenceServer.Config(bind, Duration.ofMillis(heartbeatTimeoutMillis)), metrics));
        return until.await();
    }
}
