package org.bulletinboard.chaos.check;

import java.util.Map;

/**
 * An event as one server holds it in its log, read through that server's own read path.
 *
 * @param type    {@code login}, {@code channel}, {@code post} or {@code message}
 * @param key     the channel of a post, the recipient of a message; null for login and channel
 * @param value   the user (login), the channel (channel), the text (post, message)
 * @param request the client's {@code request_id}, or null
 * @param fields  every field the server sent, to compare servers value by value
 */
public record StoredEvent(String origin, long seq, long lamport, String type, String key, String value,
                          String request, Map<String, Object> fields) {

    public StoredEvent {
        fields = Map.copyOf(fields);
    }

    /** The event's id, unique cluster-wide. */
    public String id() {
        return origin + ":" + seq;
    }
}
