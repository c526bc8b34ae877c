package org.bulletinboard.server.store;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * The state derived from events. Every rule is a join (min, max, set union), so servers that receive the same
 * events in any order, or merge each other's folded state, derive the same board:
 * <ul>
 *   <li>a user's first and last login are the min and max over login events (a repeated login changes nothing);
 *   <li>a channel's creation time is the min over its creation events;
 *   <li>posts and messages are sets in history order; of several carrying the same request id (a client retry
 *       that reached two servers) only the first in history order counts.
 * </ul>
 * Not thread-safe: the store guards it.
 */
final class Board {
    private final TreeMap<String, UserRecord> users = new TreeMap<>();
    private final TreeMap<String, ChannelRecord> channels = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Event>> posts = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Event>> messages = new TreeMap<>();
    /** Request id of each post or message held, to its winning event. */
    private final Map<String, Event> historyRequests = new HashMap<>();
    /** Request ids of logins and channel creations, which leave no event behind once folded. */
    private final Set<String> foldedRequests = new HashSet<>();
    private long maxLamport;

    void apply(Event event) {
        maxLamport = Math.max(maxLamport, event.lamport());
        switch (event.type()) {
            case Event.LOGIN -> {
                mergeUser(event.user(), new UserRecord(event.timestamp(), event.timestamp()));
                rememberFolded(event.request());
            }
            case Event.CHANNEL -> {
                mergeChannel(event.channel(), new ChannelRecord(event.timestamp()));
                rememberFolded(event.request());
            }
            case Event.POST, Event.MESSAGE -> addHistory(event);
            default -> throw new IllegalArgumentException("unknown event type " + event.type());
        }
    }

    private void addHistory(Event event) {
        if (event.request() != null) {
            Event held = historyRequests.get(event.request());
            if (held != null && Event.HISTORY_ORDER.compare(held, event) <= 0) {
                return; // the same request already counts through an earlier event
            }
            if (held != null) {
                historyOf(held).remove(held);
            }
            historyRequests.put(event.request(), event);
        }
        historyOf(event).add(event);
    }

    private NavigableSet<Event> historyOf(Event event) {
        return Event.POST.equals(event.type())
                ? posts.computeIfAbsent(event.channel(), c -> new TreeSet<>(Event.HISTORY_ORDER))
                : messages.computeIfAbsent(event.dst(), d -> new TreeSet<>(Event.HISTORY_ORDER));
    }

    private void rememberFolded(String request) {
        if (request != null) {
            foldedRequests.add(request);
        }
    }

    void mergeUser(String name, UserRecord record) {
        users.merge(name, record, UserRecord::merge);
    }

    void mergeChannel(String name, ChannelRecord record) {
        channels.merge(name, record, ChannelRecord::merge);
    }

    /** Merges folded state from a snapshot or a peer: a join, like applying the events it stands for. */
    void mergeFolded(FoldedState state) {
        state.users().forEach(this::mergeUser);
        state.channels().forEach(this::mergeChannel);
        foldedRequests.addAll(state.requests());
        maxLamport = Math.max(maxLamport, state.maxLamport());
    }

    /** Users, channels and the request ids that went into them, with the coverage the caller supplies. */
    FoldedState folded(Coverage covers) {
        return new FoldedState(covers, Map.copyOf(users), Map.copyOf(channels), List.copyOf(new TreeSet<>(foldedRequests)),
                maxLamport);
    }

    boolean hasRequest(String request) {
        return historyRequests.containsKey(request) || foldedRequests.contains(request);
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

    long maxLamport() {
        return maxLamport;
    }

    /** Whether this post or message counts (false for one that lost to an earlier event of the same request). */
    boolean holdsHistory(Event event) {
        NavigableSet<Event> set = Event.POST.equals(event.type()) ? posts.get(event.channel()) : messages.get(event.dst());
        return set != null && set.contains(event);
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
