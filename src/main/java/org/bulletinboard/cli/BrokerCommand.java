package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.broker.Broker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.bulletinboard.health.RoleMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the request broker: clients on one side, servers' workers on the other, load-balanced.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--clients", defaultValue = "${env:BBS_BROKER_CLIENTS_BIND:-tcp://*:5555}",
            description = "Endpoint clients connect to (default: ${DEFAULT-VALUE}).")
    String clients;

    @Option(names = "--servers", defaultValue = "${env:BBS_BROKER_SERVERS_BIND:-tcp://*:5556}",
            description = "Endpoint servers connect to (default: ${DEFAULT-VALUE}).")
    String servers;

    @Option(names = "--heartbeat-ms", defaultValue = "${env:BBS_HEARTBEAT_MS:-1000}",
            description = "Heartbeat interval towards workers; a worker silent for 3 of them is dropped (default: ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--pack", defaultValue = "${env:BBS_BROKER_PACK:-" + Broker.DEFAULT_PACK + "}",
            description = "Requests packed onto one server before the next gets any, so a server's fsync and messages"
                    + " to its peers serve many writes at once (32 measured best); 1 spreads every request to the"
                    + " least loaded server (default: ${DEFAULT-VALUE}).")
    int pack;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        UntilStopped until = UntilStopped.install("broker", "broker");
        PrometheusMeterRegistry metrics = RoleMetrics.registry("broker", "broker");
        until.add(http.serve("broker", "broker", Optional::empty, metrics)); // ready once bound, below
        until.add(Broker.start(new Broker.Config(clients, servers, Duration.ofMillis(heartbeatMillis), pack), metrics));
        return until.await();
    }
}
