package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.client.TerminalClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "client", mixinStandardHelpOptions = true, description = "Run the interactive terminal client.")
final class ClientCommand implements Callable<Integer> {
    @Option(names = "--user", description = "Log in as this user on start.")
    String user;

    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients (default: ${DEFAULT-VALUE}).")
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
        TerminalClient.run(new TerminalClient.Config(broker, proxy, user, Duration.ofMillis(timeoutMillis), attempts));
        return 0;
    }
}
