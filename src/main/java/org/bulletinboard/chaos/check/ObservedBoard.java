package org.bulletinboard.chaos.check;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole board as one source shows it: a server through its own read path, or the clients through the broker.
 *
 * @param histories each channel's posts, oldest first, as its {@code history} shows them
 * @param inboxes   each user's private messages, oldest first, as their {@code inbox} shows them
 */
public record ObservedBoard(String source, Set<String> users, Set<String> channels,
                            Map<String, List<String>> histories, Map<String, List<String>> inboxes) {

    public ObservedBoard {
        users = Set.copyOf(users);
        channels = Set.copyOf(channels);
        histories = Map.copyOf(histories);
        inboxes = Map.copyOf(inboxes);
    }
}
