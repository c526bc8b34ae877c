package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.bot.Bot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.bulletinboard.health.RoleMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bot", mixinStandardHelpOptions = true, description = "Run an automatic client that generates load.")
final class BotCommand implements Callable<Integer> {
    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients; several, comma-separated, or a name that resolves to several, and a"
                    + " request that one of them leaves unanswered goes on to the next (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--user", description = "User name (default: a random bot-xxxxx).")
    String user;

    @Option(names = "--interval-ms", defaultValue = "${env:BBS_BOT_INTERVAL_MS:-500}",
            description = "Pause between messages (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Option(names = "--rounds", defaultValue = "0", description = "Rounds of 10 messages, 0 for ever (default: ${DEFAULT-VALUE}).")
    long rounds;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        String name = user != null ? user : Bot.randomName();
        PrometheusMeterRegistry metrics = RoleMetrics.registry("bot", name);
        Bot bot = Bot.start(new Bot.Config(broker, name, Duration.ofMillis(intervalMillis), 10, rounds), metrics);
        if (rounds == 0) {
            UntilStopped until = UntilStopped.install("bot", name);
            until.add(http.serve("bot", name, Optional::empty, metrics));
            until.add(bot);
            return until.await();
        }
        bot.awaitFinished();
        bot.close();
        return 0;
    }
}
