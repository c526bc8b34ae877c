package org.bulletinboard.chaos.check;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds an observed board for the checker's tests. */
final class Boards {
    private final String source;
    private final Set<String> users = new HashSet<>();
    private final Set<String> channels = new HashSet<>();
    private final Map<String, List<String>> histories = new HashMap<>();
    private final Map<String, List<String>> inboxes = new HashMap<>();

    private Boards(String source) {
        this.source = source;
    }

    static Boards board(String source) {
        return new Boards(source);
    }

    Boards users(String... names) {
        users.addAll(List.of(names));
        return this;
    }

    Boards channels(String... names) {
        channels.addAll(List.of(names));
        return this;
    }

    Boards history(String channel, String... posts) {
        histories.put(channel, List.of(posts));
        return this;
    }

    Boards inbox(String user, String... messages) {
        inboxes.put(user, List.of(messages));
        return this;
    }

    ObservedBoard build() {
        return new ObservedBoard(source, users, channels, histories, inboxes);
    }
}
