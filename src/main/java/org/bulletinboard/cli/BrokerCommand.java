package org.bulletinboard.cli;

import java.util.concurrent.Callable;
import org.bulletinboard.broker.Broker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the request broker: ROUTER for clients, DEALER for servers.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--clients", defaultValue = "${env:BBS_BROKER_CLIENTS_BIND:-tcp://*:5555}",
            description = "Endpoint clients connect to (default: ${DEFAULT-VALUE}).")
    String clients;

    @Option(names = "--servers", defaultValue = "${env:BBS_BROKER_SERVERS_BIND:-tcp://*:5556}",
            description = "Endpoint servers connect to (default: ${DEFAULT-VALUE}).")
    String servers;

    @Override
    public Integer call() throws Exception {
        return UntilStopped.run(Broker.start(new Broker.Config(clients, servers)));
    }
}
