package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.reference.ReferenceServer;
import picocli.CommandLine.Command;
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

    @Override
    public Integer call() throws Exception {
        return UntilStopped.run(ReferenceServer.start(
                new ReferenceServer.Config(bind, Duration.ofMillis(heartbeatTimeoutMillis))));
    }
}
