package org.bulletinboard.server.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Timestamps;
import org.bulletinboard.protocol.WireMap;

/**
 * One immutable state change. Its id is (origin server, per-origin sequence number), unique cluster-wide;
 * {@code lamport} orders history the same way on every server. A draft (from the factories) has no origin yet:
 * the store stamps it when it is committed. {@code request} is the client's request id, if it sent one: it
 * travels with the event so that every server recognises a retried request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(String origin, long seq, long lamport, long timestamp, String type,
                    String user, String channel, String src, String dst, String message, String request)
        implements WireMap {

    public static final String LOGIN = "login";
    public static final String CHANNEL = "channel";
    public static final String POST = "post";
    public static final String MESSAGE = "message";
    private static final Set<String> TYPES = Set.of(LOGIN, CHANNEL, POST, MESSAGE);

    /** History order: Lamport time, ties broken by origin and sequence, identical on every server. */
    public static final Comparator<Event> HISTORY_ORDER = Comparator.comparingLong(Event::lamport)
            .thenComparing(Event::origin)
            .thenComparingLong(Event::seq);

    /**
     * A Lamport time beyond {@link LamportClock#MAX}, which a log written before clocks stopped at the bound may
     * hold, is read as the bound on every path (log, peer, catch-up), so every server orders such events alike and
     * none refuses them.
     */
    public Event {
        lamport = Math.min(lamport, LamportClock.MAX);
    }

    public static Event login(String user) {
        return new Event(null, 0, 0, 0, LOGIN, user, null, null, null, null, null);
    }

    public static Event channelCreated(String channel) {
        return new Event(null, 0, 0, 0, CHANNEL, null, channel, null, null, null, null);
    }

    public static Event post(String user, String channel, String message) {
        return new Event(null, 0, 0, 0, POST, user, channel, null, null, message, null);
    }

    public static Event privateMessage(String src, String dst, String message) {
        return new Event(null, 0, 0, 0, MESSAGE, null, null, src, dst, message, null);
    }

    /** The same draft, carrying the client's request id (null for none). */
    public Event withRequest(String requestId) {
        return new Event(origin, seq, lamport, timestamp, type, user, channel, src, dst, message, requestId);
    }

    Event stamped(String origin, long seq, long lamport, long timestamp) {
        return new Event(origin, seq, lamport, timestamp, type, user, channel, src, dst, message, request);
    }

    /**
     * The event as the board holds it: each name (origin, type, user, channel, src, dst) replaced by {@code names}'
     * answer. It keeps its request id: a checkpoint hands it on to a peer with the event.
     */
    Event held(UnaryOperator<String> names) {
        return new Event(names.apply(origin), seq, lamport, timestamp, names.apply(type), names.apply(user),
                names.apply(channel), names.apply(src), names.apply(dst), message, request);
    }

    /** Posts and messages are history: kept as events. Logins and channel creations fold into records. */
    boolean isHistory() {
        return POST.equals(type) || MESSAGE.equals(type);
    }

    public String id() {
        return origin + ":" + seq;
    }

    /** Where this event stands in history order, as a read cursor: {@code lamport:origin:seq}. */
    public String cursor() {
        return lamport + ":" + origin + ":" + seq;
    }

    /**
     * A stand-in for the event a {@link #cursor} names, to compare others against in {@link #HISTORY_ORDER}.
     *
     * @throws ProtocolException if {@code cursor} is not one
     */
    public static Event atCursor(String cursor) throws ProtocolException {
        int first = cursor.indexOf(':');
        int last = cursor.lastIndexOf(':');
        try {
            if (first > 0 && last > first + 1) {
                return new Event(cursor.substring(first + 1, last), Long.parseLong(cursor.substring(last + 1)),
                        Long.parseLong(cursor.substring(0, first)), 0, POST, null, null, null, null, null, null);
            }
        } catch (NumberFormatException notACursor) {
            // described below
        }
        throw new ProtocolException("field 'before' must be a 'next' cursor from an earlier reply");
    }

    /** Entries on the wire, for replication between servers: every non-null field. */
    @Override
    public int size() {
        return 5 + present(user) + present(channel) + present(src) + present(dst) + present(message)
                + present(request);
    }

    @Override
    public void writeEntries(Entries wire) {
        wire.put("origin", origin);
        wire.put("seq", seq);
        wire.put("lamport", lamport);
        wire.put("timestamp", timestamp);
        wire.put("type", type);
        putIfPresent(wire, "user", user);
        putIfPresent(wire, "channel", channel);
        putIfPresent(wire, "src", src);
        putIfPresent(wire, "dst", dst);
        putIfPresent(wire, "message", message);
        putIfPresent(wire, "request", request);
    }

    /** Reads and checks an event sent by a peer: a peer's bug must not poison this server's log. */
    public static Event fromWire(Map<String, Object> wire) throws ProtocolException {
        String type = Fields.name(wire, "type");
        if (!TYPES.contains(type)) {
            throw new ProtocolException("unknown event type '" + type + "'");
        }
        long seq = Fields.integer(wire, "seq");
        if (seq < 1) {
            throw new ProtocolException("event 'seq' must be positive, got " + seq);
        }
        long timestamp = Fields.integer(wire, "timestamp");
        if (timestamp < 0 || timestamp > Timestamps.MAX_MILLIS) {
            throw new ProtocolException("event 'timestamp' must be epoch milliseconds before year 10000, got " + timestamp);
        }
        long lamport = Fields.integer(wire, "lamport");
        if (lamport < 0) {
            throw new ProtocolException("event 'lamport' must not be negative, got " + lamport);
        }
        Event event = new Event(Fields.name(wire, "origin"), seq, lamport, timestamp, type,
                optionalName(wire, "user"), optionalName(wire, "channel"),
                optionalName(wire, "src"), optionalName(wire, "dst"),
                wire.containsKey("message") ? Fields.text(wire, "message") : null,
                optionalName(wire, "request"));
        event.checkShape();
        return event;
    }

    private void checkShape() throws ProtocolException {
        boolean complete = switch (type) {
            case LOGIN -> user != null;
            case CHANNEL -> channel != null;
            case POST -> user != null && channel != null && message != null;
            case MESSAGE -> src != null && dst != null && message != null;
            default -> false;
        };
        if (!complete) {
            throw new ProtocolException("event " + id() + " of type '" + type + "' lacks a field it needs");
        }
    }

    private static String optionalName(Map<String, Object> wire, String field) throws ProtocolException {
        return Fields.optionalName(wire, field).orElse(null);
    }

    private static int present(String value) {
        return value == null ? 0 : 1;
    }

    private static void putIfPresent(Entries wire, String key, String value) {
        if (value != null) {
            wire.put(key, value);
        }
    }
}
