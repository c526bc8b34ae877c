package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.client.ClusterCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Smoke-check a running cluster: login, channel, publish and receive through the proxy, a private "
                + "message on the user topic, users, channels, history, and a bad request refused. One line per step; "
                + "exits 0 if all pass, 1 if not."})
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients; several, comma-separated, or a name that resolves to several, and a"
                    + " request that one of them leaves unanswered goes on to the next (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--proxy", defaultValue = "${env:BBS_PROXY_SUB:-tcp://localhost:5558}",
            description = "Proxy endpoint for subscribers (default: ${DEFAULT-VALUE}).")
    String proxy;

    @Option(names = "--timeout-ms", defaultValue = "2500", description = "Wait per try (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--attempts", defaultValue = "2", description = "Tries per request (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--delivery-ms", defaultValue = "10000",
            description = "How long a publication may take to come back through the proxy (default: ${DEFAULT-VALUE}).")
    long deliveryMillis;

    @Override
    public Integer call() {
        QuietLogs.unlessAsked();
        return ClusterCheck.run(new ClusterCheck.Config(broker, proxy, Duration.ofMillis(timeoutMillis), attempts,
                Duration.ofMillis(deliveryMillis)), System.out) ? 0 : 1;
    }
}
