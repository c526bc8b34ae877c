package org.bulletinboard.server.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.server.store.Event;

/**
 * Server-to-server replication frames. A batch: {@code {"service":"replicate","data":{"from":NAME,
 * "events":[EVENT...]}}}; its acknowledgement: {@code {"service":"replicate","data":{"status":"OK",
 * "acked":["origin:seq"...]}}}. Both carry timestamp and clock like every frame.
 */
public final class ReplicationMessages {
    /** Events per frame when a backlog is resent. */
    static final int MAX_BATCH = 64;
    /**
     * Frame limit on server-to-server sockets: a full batch of the longest events (4096 characters, each at most
     * 3 UTF-8 bytes) is about 0.8 MiB, above the client-facing limit.
     */
    public static final long MAX_PEER_FRAME_BYTES = 4L * 1024 * 1024;

    private ReplicationMessages() {}

    static Map<String, Object> batch(String from, Collection<Event> events) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", from);
        data.put("events", events.stream().map(Event::toWire).toList());
        return data;
    }

    public static List<Object> events(Map<String, Object> data) throws ProtocolException {
        return new ArrayList<>(Fields.list(data, "events"));
    }

    public static Map<String, Object> ack(List<String> ids) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "OK");
        data.put("acked", ids);
        return data;
    }

    static List<String> ackedIds(Map<String, Object> data) throws ProtocolException {
        List<String> ids = new ArrayList<>();
        for (Object id : Fields.list(data, "acked")) {
            if (id instanceof String s) {
                ids.add(s);
            }
        }
        return ids;
    }
}
