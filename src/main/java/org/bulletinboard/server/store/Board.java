package org.bulletinboard.server.store;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * The state derived from events. Every rule is order-independent (min, max, count, sorted sets), so servers
 * that receive the same events in different orders derive the same state. Not thread-safe: the store guards it.
 */
final class Board {
    private final TreeMap<String, UserRecord> users = new TreeMap<>();
    private final TreeMap<String, ChannelRecord> channels = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Event>> posts = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Event>> messages = new TreeMap<>();

    void apply(Event event) {
        switch (event.type()) {
            case Event.LOGIN -> users.merge(event.user(),
                    new UserRecord(event.timestamp(), event.timestamp(), 1),
                    (a, b) -> new UserRecord(Math.min(a.firstLogin(), b.firstLogin()),
                            Math.max(a.lastLogin(), b.lastLogin()), a.logins() + b.logins()));
            case Event.CHANNEL -> channels.merge(event.channel(), new ChannelRecord(event.timestamp()),
                    (a, b) -> new ChannelRecord(Math.min(a.created(), b.created())));
            case Event.POST -> posts.computeIfAbsent(event.channel(), c -> new TreeSet<>(Event.HISTORY_ORDER)).add(event);
            case Event.MESSAGE -> messages.computeIfAbsent(event.dst(), d -> new TreeSet<>(Event.HISTORY_ORDER)).add(event);
            default -> throw new IllegalArgumentException("unknown event type " + event.type());
        }
    }

    boolean hasUser(String name) {
        return users.containsKey(name);
    }

    boolean hasChannel(String name) {
        return channels.containsKey(name);
    }

    List<String> userNames() {
        return List.copyOf(users.keySet());
    }

    List<String> channelNames() {
        return List.copyOf(channels.keySet());
    }

    /** The last {@code limit} posts of a channel, oldest first. */
    List<Event> posts(String channel, int limit) {
        return last(posts.get(channel), limit);
    }

    /** The last {@code limit} private messages to a user, oldest first. */
    List<Event> messagesTo(String user, int limit) {
        return last(messages.get(user), limit);
    }

    private static List<Event> last(NavigableSet<Event> events, int limit) {
        if (events == null) {
            return List.of();
        }
        ArrayDeque<Event> window = new ArrayDeque<>(Math.min(limit, events.size()));
        for (Iterator<Event> newest = events.descendingIterator(); newest.hasNext() && window.size() < limit; ) {
            window.addFirst(newest.next());
        }
        return List.copyOf(window);
    }

    BoardView view() {
        return new BoardView(Collections.unmodifiableMap(new TreeMap<>(users)),
                Collections.unmodifiableMap(new TreeMap<>(channels)), copy(posts), copy(messages));
    }

    private static Map<String, List<Event>> copy(TreeMap<String, NavigableSet<Event>> byKey) {
        Map<String, List<Event>> copy = new LinkedHashMap<>();
        byKey.forEach((key, events) -> copy.put(key, List.copyOf(events)));
        return Collections.unmodifiableMap(copy);
    }
}
