package org.bulletinboard.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Timestamps;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The six client services, {@code history} and {@code inbox} to read back what was stored, and {@code status}.
 * A write is applied here and written to the log without waiting for the disk; the loop that serves it takes the
 * event ({@link #takeStaged}) and holds the reply until the event is durable and its peers have acknowledged it
 * (then it publishes it), so a client that reads from another server next sees its own write. A write carrying a
 * {@code request_id} that some server already applied is answered with the original result and not applied again.
 * Used by one thread, except {@code status}, which may be served on another (it asks the peers and waits).
 */
final class ClientServices implements RequestHandling.Handler {
    private static final Logger log = LoggerFactory.getLogger(ClientServices.class);

    private final BoardStore store;
    private final Runnable onRequest;
    private final Supplier<Map<String, Object>> status;
    /** The event the last request wrote, until the serving loop takes it. */
    private Event staged;

    /**
     * @param onRequest called for every request handled (Berkeley rounds count them)
     * @param status    the {@code status} reply: every live server's row
     */
    ClientServices(BoardStore store, Runnable onRequest, Supplier<Map<String, Object>> status) {
        this.store = store;
        this.onRequest = onRequest;
        this.status = status;
    }

    /** The event the request just handled wrote, if it wrote one; its reply must wait until it is durable and replicated. */
    Event takeStaged() {
        Event event = staged;
        staged = null;
        return event;
    }

    @Override
    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        onRequest.run();
        Map<String, Object> data = request.data();
        String requestId = Fields.optionalName(data, Fields.REQUEST_ID).orElse(null);
        if (requestId != null && Services.isWrite(request.service()) && store.hasRequest(requestId)) {
            log.info("request {} was already applied; answering the retry without applying it again", requestId);
            return writeResult(request.service());
        }
        switch (request.service()) {
            case Services.LOGIN: {
                String user = Fields.name(data, "user");
                commit(Event.login(user).withRequest(requestId));
                log.info("user {} logged in", user);
                return writeResult(Services.LOGIN);
            }
            case Services.USERS: {
                ReplyPages.Page<String> page = ReplyPages.names(store.userNames(), after(data), ReplyPages.LIST_BYTES);
                return paged("users", page.entries(), null, page.next());
            }
            case Services.CHANNEL: {
                String channel = Fields.name(data, "channel");
                if (store.hasChannel(channel)) {
                    throw new ProtocolException("channel '" + channel + "' already exists");
                }
                commit(Event.channelCreated(channel).withRequest(requestId));
                log.info("channel {} created", channel);
                return writeResult(Services.CHANNEL);
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
            case Services.STATUS:
                return status.get();
            case Services.PUBLISH:
                return publish(data, requestId);
            case Services.MESSAGE:
                return privateMessage(data, requestId);
            default:
                throw new ProtocolException("unknown service '" + request.service() + "'");
        }
    }

    /** The reply a write gets when it succeeds, in the status words the course uses for that service. */
    private static Map<String, Object> writeResult(String service) {
        return Replies.status(Services.LOGIN.equals(service) || Services.CHANNEL.equals(service)
                ? Services.SUCCESS : Services.OK);
    }

    private Map<String, Object> publish(Map<String, Object> data, String requestId) throws ProtocolException {
        String user = Fields.name(data, "user");
        String channel = Fields.name(data, "channel");
        String message = Fields.text(data, "message");
        requireChannel(channel);
        commit(Event.post(user, channel, message).withRequest(requestId));
        return Replies.status(Services.OK);
    }

    private Map<String, Object> privateMessage(Map<String, Object> data, String requestId) throws ProtocolException {
        String src = Fields.name(data, "src");
        String dst = Fields.name(data, "dst");
        String message = Fields.text(data, "message");
        if (!store.hasUser(dst)) {
            throw new ProtocolException("user '" + dst + "' does not exist");
        }
        commit(Event.privateMessage(src, dst, message).withRequest(requestId));
        return Replies.status(Services.OK);
    }

    private void requireChannel(String channel) throws ProtocolException {
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

    /** Applies and logs a write (the serving loop makes it durable and replicates it); a request applied before is not. */
    private void commit(Event draft) {
        try {
            staged = store.stageLocal(draft).event(); // null for a request another server applied meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("could not persist " + draft.type() + " event", e);
        }
    }
}
