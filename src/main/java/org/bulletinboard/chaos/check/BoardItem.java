package org.bulletinboard.chaos.check;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One thing a write puts on the board, as any source can show it: a user (login), a channel (channel), a post in a
 * channel's history (publish) or a message in a user's inbox (message). Write values are unique, so an item names
 * one write.
 *
 * @param type {@code login}, {@code channel}, {@code post} or {@code message}, as in the servers' events
 * @param key  the channel of a post, the recipient of a message; null for a user or a channel
 */
record BoardItem(String type, String key, String value) {
    static final String LOGIN = "login";
    static final String CHANNEL = "channel";
    static final String POST = "post";
    static final String MESSAGE = "message";

    static BoardItem written(Op write) {
        return switch (write.f()) {
            case LOGIN -> new BoardItem(LOGIN, null, write.value());
            case CHANNEL -> new BoardItem(CHANNEL, null, write.value());
            case PUBLISH -> new BoardItem(POST, write.key(), write.value());
            case MESSAGE -> new BoardItem(MESSAGE, write.key(), write.value());
            case HISTORY, INBOX -> throw new IllegalArgumentException("not a write: " + write);
        };
    }

    /** One of the values an ok read returned. */
    static BoardItem read(Op read, String value) {
        return new BoardItem(read.f() == Fn.HISTORY ? POST : MESSAGE, read.key(), value);
    }

    static BoardItem stored(StoredEvent event) {
        boolean named = LOGIN.equals(event.type()) || CHANNEL.equals(event.type());
        return new BoardItem(event.type(), named ? null : event.key(), event.value());
    }

    static Set<BoardItem> heldBy(ServerState server) {
        Set<BoardItem> held = new HashSet<>();
        server.events().forEach(event -> held.add(stored(event)));
        server.folded().users().forEach(user -> held.add(new BoardItem(LOGIN, null, user)));
        server.folded().channels().forEach(channel -> held.add(new BoardItem(CHANNEL, null, channel)));
        return held;
    }

    static Set<BoardItem> shownBy(ObservedBoard board) {
        Set<BoardItem> shown = new HashSet<>();
        board.users().forEach(user -> shown.add(new BoardItem(LOGIN, null, user)));
        board.channels().forEach(channel -> shown.add(new BoardItem(CHANNEL, null, channel)));
        addLists(shown, POST, board.histories());
        addLists(shown, MESSAGE, board.inboxes());
        return shown;
    }

    private static void addLists(Set<BoardItem> shown, String type, Map<String, List<String>> lists) {
        lists.forEach((key, values) -> values.forEach(value -> shown.add(new BoardItem(type, key, value))));
    }
}
