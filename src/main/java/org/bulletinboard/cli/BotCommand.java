package org.bulletinboard.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.bulletinboard.bot.Bot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bot", mixinStandardHelpOptions = true, description = "Run an automatic client that generates load.")
final class BotCommand implements Callable<Integer> {
    @Option(names = "--broker", defaultValue = "${env:BBS_BROKER:-tcp://localhost:5555}",
            description = "Broker endpoint for clients (default: ${DEFAULT-VALUE}).")
    String broker;

    @Option(names = "--user", description = "User name (default: a random bot-xxxxx).")
    String user;

    @Option(names = "--interval-ms", defaultValue = "${env:BBS_BOT_INTERVAL_MS:-500}",
            description = "Pause between messages (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Option(names = "--rounds", defaultValue = "0", description = "Rounds of 10 messages, 0 for ever (default: ${DEFAULT-VALUE}).")
    long rounds;

    @Override
    public Integer call() throws Exception {
        Bot bot = Bot.start(new Bot.Config(broker, user, Duration.ofMillis(intervalMillis), 10, rounds));
        if (rounds == 0) {
            return UntilStopped.run(bot);
        }
        bot.awaitFinished();
        bot.close();
        return 0;
    }
}
