package org.bulletinboard.client;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bulletinboard.api.BoardClient;
import org.bulletinboard.api.Reply;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Fields;

/**
 * Turns what the user types into service calls and plain-words answers. Knows nothing of the terminal, so
 * it can be driven by any line source; publications arrive separately through the {@link Subscriber}.
 */
final class CommandInterpreter {
    static final String HELP = String.join("\n",
            "Commands:",
            "  /login NAME            log in (you then receive your private messages)",
            "  /users                 list users",
            "  /channel NAME          create a channel",
            "  /channels              list channels",
            "  /join CHANNEL          show its latest posts, subscribe, and make it the current channel",
            "  /leave CHANNEL         unsubscribe from a channel",
            "  /history CHANNEL [N]   the last N posts of a channel (default 20)",
            "  /inbox [N]             your last N private messages (default 20)",
            "  /pub CHANNEL TEXT      publish TEXT to CHANNEL",
            "  /msg USER TEXT         send USER a private message",
            "  TEXT                   publish TEXT to the current channel",
            "  /status                the servers: rank, coordinator, clocks, events",
            "  /help                  this list",
            "  /quit                  leave");
    static final List<String> COMMANDS = List.of("/login", "/users", "/channel", "/channels", "/join", "/leave",
            "/history", "/inbox", "/pub", "/msg", "/status", "/help", "/quit");

    /** Posts shown on joining a channel, and private messages shown on logging in. */
    private static final int RECENT_ON_ARRIVAL = 10;
    private static final int DEFAULT_COUNT = 20;

    private final BoardClient board;
    private final Subscriber subscriber;
    private final Consumer<String> out;
    private String user;
    private String currentChannel;

    CommandInterpreter(BoardClient board, Subscriber subscriber, Consumer<String> out) {
        this.board = board;
        this.subscriber = subscriber;
        this.out = out;
    }

    /** Runs one line; returns false when the user asked to quit. */
    boolean execute(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return true;
        }
        try {
            if (!trimmed.startsWith("/")) {
                if (currentChannel == null) {
                    out.accept("No current channel: /join CHANNEL first, or /help.");
                } else {
                    publish(currentChannel, trimmed);
                }
                return true;
            }
            String[] words = trimmed.split("\\s+", 3);
            switch (words[0]) {
                case "/quit", "/exit" -> {
                    return false;
                }
                case "/help" -> out.accept(HELP);
                case "/login" -> login(argument(words, 1, "/login NAME"));
                case "/users" -> list(board.users(), "users", "Users");
                case "/channels" -> list(board.channels(), "channels", "Channels");
                case "/channel" -> {
                    String channel = argument(words, 1, "/channel NAME");
                    report(board.createChannel(channel), "Channel " + channel + " created.");
                }
                case "/join", "/sub" -> join(argument(words, 1, "/join CHANNEL"));
                case "/history" -> history(argument(words, 1, "/history CHANNEL [N]"),
                        count(words, 2, "/history CHANNEL [N]"));
                case "/inbox" -> {
                    if (requireLogin()) {
                        inbox(count(words, 1, "/inbox [N]"), "No private messages yet.");
                    }
                }
                case "/leave", "/unsub" -> {
                    String channel = argument(words, 1, "/leave CHANNEL");
                    subscriber.unsubscribe(channel);
                    if (channel.equals(currentChannel)) {
                        currentChannel = null;
                    }
                    out.accept("Unsubscribed from " + channel + ".");
                }
                case "/pub" -> publish(argument(words, 1, "/pub CHANNEL TEXT"), argument(words, 2, "/pub CHANNEL TEXT"));
                case "/status" -> out.accept(StatusTable.render(board.call(Services.STATUS, Map.of())));
                case "/msg" -> sendPrivate(argument(words, 1, "/msg USER TEXT"), argument(words, 2, "/msg USER TEXT"));
                default -> out.accept("Unknown command " + words[0] + "; /help lists them.");
            }
        } catch (UsageException e) {
            out.accept("Usage: " + e.getMessage());
        } catch (RequestTimeoutException e) {
            out.accept("The cluster did not answer (" + e.getMessage() + "). Is the broker running? Try again.");
        }
        return true;
    }

    void login(String name) throws RequestTimeoutException {
        Reply reply = board.login(name);
        if (reply.ok()) {
            if (user != null && !user.equals(name)) {
                subscriber.unsubscribe(user);
            }
            user = name;
            subscriber.subscribe(name);
            out.accept("Logged in as " + name + ".");
            inbox(RECENT_ON_ARRIVAL, null);
        } else {
            out.accept("Login failed: " + reply.error());
        }
    }

    /** Subscribes, shows what was said there lately, and makes it the channel plain text goes to. */
    private void join(String channel) throws RequestTimeoutException {
        Reply recent = board.history(channel, RECENT_ON_ARRIVAL);
        if (!recent.ok()) {
            out.accept("Cannot join: " + recent.error());
            return;
        }
        show(recent, false, null);
        currentChannel = channel;
        subscriber.subscribe(channel);
        out.accept("Joined " + channel + "; plain text now goes there.");
    }

    private void history(String channel, int count) throws RequestTimeoutException {
        show(board.history(channel, count), false, "Nothing posted in " + channel + " yet.");
    }

    private void inbox(int count, String whenNone) throws RequestTimeoutException {
        show(board.inbox(user, count), true, whenNone);
    }

    /** Prints the entries of a history or inbox reply; {@code whenNone} (if given) is said when there are none. */
    private void show(Reply reply, boolean privateMessages, String whenNone) {
        List<Map<?, ?>> entries = reply.maps("messages");
        if (!reply.ok()) {
            out.accept("Failed: " + reply.error());
        } else if (entries.isEmpty()) {
            if (whenNone != null) {
                out.accept(whenNone);
            }
        } else {
            entries.forEach(entry -> out.accept(DisplayLines.entry(privateMessages, entry)));
        }
    }

    String prompt() {
        return (user == null ? "" : user) + (currentChannel == null ? "" : "@" + currentChannel) + "> ";
    }

    private void publish(String channel, String text) throws RequestTimeoutException {
        if (requireLogin()) {
            report(board.publish(user, channel, text), null);
        }
    }

    private void sendPrivate(String to, String text) throws RequestTimeoutException {
        if (requireLogin()) {
            report(board.message(user, to, text), "Sent to " + to + ".");
        }
    }

    private boolean requireLogin() {
        if (user == null) {
            out.accept("Log in first: /login NAME");
        }
        return user != null;
    }

    private void list(Reply reply, String field, String title) {
        if (!reply.ok()) {
            out.accept("Failed: " + reply.error());
            return;
        }
        List<String> names = reply.strings(field);
        out.accept(title + " (" + names.size() + "): " + (names.isEmpty() ? "none yet" : String.join(", ", names)));
    }

    private void report(Reply reply, String success) {
        if (!reply.ok()) {
            out.accept("Failed: " + reply.error());
        } else if (success != null) {
            out.accept(success);
        }
    }

    /** An optional positive count at {@code words[index]}, {@link #DEFAULT_COUNT} when absent. */
    private static int count(String[] words, int index, String usage) throws UsageException {
        if (words.length <= index) {
            return DEFAULT_COUNT;
        }
        try {
            int count = Integer.parseInt(words[index].strip());
            if (count >= 1 && count <= Fields.MAX_HISTORY_LIMIT) {
                return count;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException(usage + "  (N from 1 to " + Fields.MAX_HISTORY_LIMIT + ")");
    }

    private static String argument(String[] words, int index, String usage) throws UsageException {
        if (words.length <= index || words[index].isBlank()) {
            throw new UsageException(usage);
        }
        return words[index];
    }

    private static final class UsageException extends Exception {
        UsageException(String usage) {
            super(usage);
        }
    }
}
