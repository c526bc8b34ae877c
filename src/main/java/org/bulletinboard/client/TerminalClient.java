package org.bulletinboard.client;

import java.io.IOException;
import java.time.Duration;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Stamper;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.zeromq.ZContext;

/**
 * The interactive client: a JLine prompt for commands, with publications for the user's own topic and the
 * channels they joined printed above the prompt as they arrive, so typing is never interrupted.
 */
public final class TerminalClient {
    public record Config(String brokerEndpoint, String proxyEndpoint, String user, Duration timeout, int attempts) {}

    /** The node name of the terminal client's loops, in its log lines and health. */
    public static final String NODE = "terminal";

    private TerminalClient() {}

    public static void run(Config config) throws IOException {
        Stamper stamper = Stamper.systemClock();
        // dumb(true): without a console (piped input, scripts) fall back quietly to a plain line reader
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
             ZContext context = new ZContext()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("bbs")
                    .completer(new StringsCompleter(CommandInterpreter.COMMANDS))
                    .build();
            try (BoardClient board = new BoardClient(context, config.brokerEndpoint(), stamper,
                         config.timeout(), config.attempts(), () -> false);
                 Subscriber subscriber = new Subscriber(context, config.proxyEndpoint(), stamper, NODE,
                         (topic, publication) -> reader.printAbove(DisplayLines.publication(publication)),
                         (topic, problem) -> reader.printAbove("(unreadable publication on " + topic + ": " + problem + ")"))) {
                CommandInterpreter interpreter = new CommandInterpreter(board, subscriber, reader::printAbove);
                terminal.writer().println("BulletinBoard client, connected to " + config.brokerEndpoint()
                        + ". /help lists the commands.");
                if (config.user() != null) {
                    try {
                        interpreter.login(config.user());
                    } catch (RequestTimeoutException e) {
                        terminal.writer().println("Login failed: the cluster did not answer (" + e.getMessage() + ")");
                    }
                }
                while (true) {
                    String line;
                    try {
                        line = reader.readLine(interpreter.prompt());
                    } catch (UserInterruptException e) {
                        continue; // Ctrl-C clears the line; /quit or Ctrl-D leaves
                    } catch (EndOfFileException e) {
                        break;
                    }
                    if (!interpreter.execute(line)) {
                        break;
                    }
                }
            }
        }
    }
}
