package org.bulletinboard.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Timestamps;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;

/**
 * The read-only services, as this server's store answers them: {@code users}, {@code channels}, {@code history}
 * and {@code inbox}. Clients get them through the broker (from whichever server it picks); operators and the fault
 * checker get them from one chosen server on its socket for peers, to see what that server alone holds.
 */
final class BoardReads implements RequestHandling.Handler {
    private final BoardStore store;

    BoardReads(BoardStore store) {
        this.store = store;
    }

    /** Whether {@code service} is one of these reads. */
    static boolean serves(String service) {
        return switch (service) {
            case Services.USERS, Services.CHANNELS, Services.HISTORY, Services.INBOX -> true;
            default -> false;
        };
    }

    @Override
    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        Map<String, Object> data = request.data();
        switch (request.service()) {
            case Services.USERS: {
                ReplyPages.Page<String> page = ReplyPages.names(store.userNames(), after(data), ReplyPages.LIST_BYTES);
                return paged("users", page.entries(), null, page.next());
            }
            case Services.CHANNELS: {
                // The list goes out twice: also under "users", the course text's typo, which some clients read.
                ReplyPages.Page<String> page =
                        ReplyPages.names(store.channelNames(), after(data), ReplyPages.LIST_BYTES / 2);
                return paged("channels", page.entries(), "users", page.next());
            }
            case Services.HISTORY: {
                String channel = Fields.name(data, "channel");
                int limit = Fields.historyLimit(data);
                requireChannel(channel);
                return readBack("channel", channel, store.channelHistory(channel, before(data), limit + 1), limit);
            }
            case Services.INBOX: {
                String user = Fields.name(data, "user");
                int limit = Fields.historyLimit(data);
                return readBack("user", user, store.inbox(user, before(data), limit + 1), limit);
            }
            default:
                throw new ProtocolException("unknown service '" + request.service() + "'");
        }
    }

    void requireChannel(String channel) throws ProtocolException {
        if (!store.hasChannel(channel)) {
            throw new ProtocolException("channel '" + channel + "' does not exist");
        }
    }

    /**
     * A history or inbox reply: the newest of {@code events} that fit, oldest first, each with the time and
     * Lamport clock it was written at, and the cursor of the page before them if there is one.
     */
    private static Map<String, Object> readBack(String key, String name, List<Event> events, int limit) {
        ReplyPages.Page<Map<String, Object>> page = ReplyPages.history(events, limit, event -> {
            Map<String, Object> entry = Publication.fields(event);
            entry.put("timestamp", Timestamps.toWire(event.timestamp()));
            entry.put("clock", event.lamport());
            return entry;
        });
        Map<String, Object> reply = Replies.status(Services.OK);
        reply.put(key, name);
        reply.put("messages", page.entries());
        if (page.next() != null) {
            reply.put("next", page.next());
        }
        return reply;
    }

    /** A page of names under {@code key} (and under {@code alias} too, if given), with {@code next} if more follow. */
    private static Map<String, Object> paged(String key, List<String> names, String alias, String next) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put(key, names);
        if (alias != null) {
            reply.put(alias, names);
        }
        if (next != null) {
            reply.put("next", next);
        }
        return reply;
    }

    /** The optional {@code after} of a users or channels request: the {@code next} of the page before. */
    private static String after(Map<String, Object> data) throws ProtocolException {
        return Fields.optionalName(data, "after").orElse(null);
    }

    /** The optional {@code before} of a history or inbox request: the {@code next} of the page after. */
    private static Event before(Map<String, Object> data) throws ProtocolException {
        Object before = data.get("before");
        if (before == null) {
            return null;
        }
        if (!(before instanceof String cursor) || cursor.length() > 2 * Fields.MAX_NAME_LENGTH) {
            throw new ProtocolException("field 'before' must be a 'next' cursor from an earlier reply");
        }
        return Event.atCursor(cursor);
    }
}
