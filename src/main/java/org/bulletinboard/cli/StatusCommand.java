package org.bulletinboard.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.client.StatusTable;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print one table of the live servers: rank, coordinator, readiness, clocks, events, heartbeats.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients; several, comma-separated, or a name that resolves to several, and a"
                    + " request that one of them leaves unanswered goes on to the next (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--timeout-ms", defaultValue = "2500", description = "Wait per try (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Override
    public Integer call() throws Exception {
        QuietLogs.unlessAsked();
        try (ZContext context = new ZContext();
             BoardClient client = new BoardClient(context, broker, Stamper.systemClock(),
                     Duration.ofMillis(timeoutMillis), BoardClient.DEFAULT_ATTEMPTS, () -> false)) {
            Reply reply = client.call(Services.STATUS, Map.of());
            System.out.println(StatusTable.render(reply));
            return reply.ok() ? 0 : 1;
        }
    }
}
