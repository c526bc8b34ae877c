package org.bulletinboard.server.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * The state derived from events, in memory: users, channels, and the history each channel and inbox keeps (its
 * newest {@code keep} posts or messages in history order). Every rule is a join (min, max, set union) or a function
 * of the set of events held, so servers that receive the same events in any order derive the same board:
 * <ul>
 *   <li>a user's first and last login are the min and max over login events (a repeated login changes nothing);
 *   <li>a channel's creation time is the min over its creation events;
 *   <li>posts and messages are sets in history order, of which each list keeps its newest {@code keep}; of several
 *       carrying the same request id (a client retry that reached two servers) only the last in history order
 *       counts, as long as the request is recent, so a request's text stays as long as its newest copy would.
 * </ul>
 * Not thread-safe: the store guards it.
 */
final class Board {
    private final int keep;
    private final TreeMap<String, UserRecord> users = new TreeMap<>();
    private final TreeMap<String, ChannelRecord> channels = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Event>> posts = new TreeMap<>();
    private final TreeMap<String, NavigableSet<Event>> messages = new TreeMap<>();
    private final RecentRequests requests;
    /**
     * One string for each origin, event type, user and channel: the events held share them rather than each
     * holding the copies its decoding made, which every young collection had to copy while the events were new.
     * Bounded by what the board keeps anyway.
     */
    private final Map<String, String> names = new HashMap<>();
    private final UnaryOperator<String> heldName = name -> name == null ? null : names.getOrDefault(name, name);
    private long maxLamport;

    /**
     * @param keep            posts per channel and messages per user kept (the newest in history order)
     * @param requestCapacity request ids remembered for recognising retries
     */
    Board(int keep, int requestCapacity) {
        this.keep = keep;
        this.requests = new RecentRequests(requestCapacity);
        List.of(Event.LOGIN, Event.CHANNEL, Event.POST, Event.MESSAGE).forEach(this::hold);
    }

    /** Applies an event that starts at {@code logPosition} in the log. */
    void apply(Event applied, long logPosition) {
        maxLamport = Math.max(maxLamport, applied.lamport());
        hold(applied.origin());
        hold(Event.LOGIN.equals(applied.type()) ? applied.user() : applied.channel());
        Event event = applied.held(heldName);
        switch (event.type()) {
            case Event.LOGIN -> {
                users.merge(event.user(), new UserRecord(event.timestamp(), event.timestamp()), UserRecord::merge);
                rememberFolded(applied.request(), logPosition);
            }
            case Event.CHANNEL -> {
                channels.merge(event.channel(), new ChannelRecord(event.timestamp()), ChannelRecord::merge);
                rememberFolded(applied.request(), logPosition);
            }
            case Event.POST, Event.MESSAGE -> addHistory(event, applied.request(), logPosition);
            default -> throw new IllegalArgumentException("unknown event type " + event.type());
        }
    }

    /**
     * Only remembers the request id of an event the restored snapshot already reflects: recovery reads that far
     * back in the log to rebuild the window of recent requests.
     */
    void rememberRequest(Event event, long logPosition) {
        if (event.request() == null) {
            return;
        }
        RecentRequests.Entry held = requests.get(event.request());
        if (!event.isHistory()) {
            rememberFolded(event.request(), logPosition);
        } else if (held == null || held.winner() == null || Event.HISTORY_ORDER.compare(event, held.winner()) > 0) {
            requests.put(event.request(), new RecentRequests.Entry(logPosition, event));
        }
    }

    private void addHistory(Event event, String request, long logPosition) {
        if (request != null) {
            RecentRequests.Entry held = requests.get(request);
            if (held != null && held.winner() != null) {
                if (Event.HISTORY_ORDER.compare(held.winner(), event) >= 0) {
                    return; // the same request already counts through a later event
                }
                historyOf(held.winner()).remove(held.winner());
            }
            requests.put(request, new RecentRequests.Entry(logPosition, event));
        }
        NavigableSet<Event> history = historyOf(event);
        history.add(event);
        if (history.size() > keep) {
            history.pollFirst();
        }
    }

    /** Makes {@code name} the one string its equals share (an event type, an origin, a login's user or a channel). */
    private void hold(String name) {
        if (name != null) {
            names.putIfAbsent(name, name);
        }
    }

    private NavigableSet<Event> historyOf(Event event) {
        return Event.POST.equals(event.type())
                ? posts.computeIfAbsent(event.channel(), c -> new TreeSet<>(Event.HISTORY_ORDER))
                : messages.computeIfAbsent(event.dst(), d -> new TreeSet<>(Event.HISTORY_ORDER));
    }

    private void rememberFolded(String request, long logPosition) {
        if (request != null && !requests.contains(request)) {
            requests.put(request, new RecentRequests.Entry(logPosition, null));
        }
    }

    /**
     * Joins users and channels another server's checkpoint folded (its login and channel events, which this server
     * will not see as events).
     */
    void mergeFolded(Map<String, UserRecord> otherUsers, Map<String, ChannelRecord> otherChannels, long otherMaxLamport) {
        otherUsers.forEach((name, user) -> {
            hold(name);
            users.merge(heldName.apply(name), user, UserRecord::merge);
        });
        otherChannels.forEach((name, channel) -> {
            hold(name);
            channels.merge(heldName.apply(name), channel, ChannelRecord::merge);
        });
        maxLamport = Math.max(maxLamport, otherMaxLamport);
    }

    /** The post or message that applied {@code request}, if the request is remembered and its history keeps it. */
    Event eventOfRequest(String request) {
        RecentRequests.Entry entry = requests.get(request);
        if (entry == null || entry.winner() == null) {
            return null;
        }
        Event found = historyOf(entry.winner()).ceiling(entry.winner());
        return found != null && Event.HISTORY_ORDER.compare(found, entry.winner()) == 0 ? found : null;
    }

    /** Puts back what a snapshot holds (the requests come back from the log, see {@link #rememberRequest}). */
    void restore(Snapshot snapshot) {
        users.putAll(snapshot.users());
        channels.putAll(snapshot.channels());
        users.keySet().forEach(this::hold);
        channels.keySet().forEach(this::hold);
        snapshot.posts().forEach((channel, events) -> events.forEach(e -> historyOf(e).add(e)));
        snapshot.messages().forEach((user, events) -> events.forEach(e -> historyOf(e).add(e)));
        maxLamport = Math.max(maxLamport, snapshot.maxLamport());
    }

    boolean hasRequest(String request) {
        return requests.contains(request);
    }

    /** Where in the log the event that applied {@code request} starts (the one that counts); -1 if not remembered. */
    long requestPosition(String request) {
        RecentRequests.Entry entry = requests.get(request);
        return entry == null ? -1 : entry.logPosition();
    }

    /** Where recovery must start reading the log to know the recent requests again. */
    long oldestRequestPosition(long fallback) {
        return requests.oldestPosition(fallback);
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

    /** The last {@code limit} posts of a channel before {@code before} (null: the newest), oldest first. */
    List<Event> posts(String channel, Event before, int limit) {
        return last(posts.get(channel), before, limit);
    }

    /** The last {@code limit} private messages to a user before {@code before} (null: the newest), oldest first. */
    List<Event> messagesTo(String user, Event before, int limit) {
        return last(messages.get(user), before, limit);
    }

    private static List<Event> last(NavigableSet<Event> events, Event before, int limit) {
        if (events == null) {
            return List.of();
        }
        NavigableSet<Event> older = before == null ? events : events.headSet(before, false);
        List<Event> window = new ArrayList<>(older.descendingSet().stream().limit(limit).toList());
        Collections.reverse(window);
        return List.copyOf(window);
    }

    /** A copy of everything held; bounded by users, channels and what each list keeps, not by history. */
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
