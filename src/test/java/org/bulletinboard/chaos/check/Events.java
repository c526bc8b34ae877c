package org.bulletinboard.chaos.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Servers' events and states for the checker's tests; an event's fields are its own parts. */
final class Events {

    private Events() {
    }

    static StoredEvent login(String origin, long seq, long lamport, String user) {
        return event(origin, seq, lamport, "login", null, user, null);
    }

    static StoredEvent channel(String origin, long seq, long lamport, String channel) {
        return event(origin, seq, lamport, "channel", null, channel, null);
    }

    static StoredEvent post(String origin, long seq, long lamport, String channel, String text, String request) {
        return event(origin, seq, lamport, "post", channel, text, request);
    }

    static StoredEvent message(String origin, long seq, long lamport, String user, String text, String request) {
        return event(origin, seq, lamport, "message", user, text, request);
    }

    /** The same event with one field changed, as another server might hold it. */
    static StoredEvent withField(StoredEvent event, String field, Object value) {
        Map<String, Object> fields = new HashMap<>(event.fields());
        fields.put(field, value);
        return new StoredEvent(event.origin(), event.seq(), event.lamport(), event.type(), event.key(), event.value(),
                event.request(), fields);
    }

    static ServerState server(String name, StoredEvent... events) {
        return new ServerState(name, List.of(events), null);
    }

    static ServerState server(String name, ObservedBoard board, StoredEvent... events) {
        return new ServerState(name, List.of(events), board);
    }

    private static StoredEvent event(String origin, long seq, long lamport, String type, String key, String value,
                                     String request) {
        Map<String, Object> fields = new HashMap<>(Map.of("origin", origin, "seq", seq, "lamport", lamport,
                "type", type, "value", value));
        if (key != null) {
            fields.put("key", key);
        }
        if (request != null) {
            fields.put("request_id", request);
        }
        return new StoredEvent(origin, seq, lamport, type, key, value, request, fields);
    }
}
