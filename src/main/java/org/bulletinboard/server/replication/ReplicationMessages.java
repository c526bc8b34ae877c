package org.bulletinboard.server.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RejectionLog;
import org.bulletinboard.protocol.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bulletinboard.server.store.CatchUpPage;
import org.bulletinboard.server.store.Event;

/**
 * Server-to-server replication frames; all carry timestamp and clock like every frame.
 * <ul>
 *   <li>Push: {@code {"service":"replicate","data":{"from":NAME,"events":[EVENT...]}}}, acknowledged by
 *       {@code {"service":"replicate","data":{"status":"OK","acked":["origin:seq"...]}}}.
 *   <li>Pull: {@code {"service":"catchup","data":{"from":NAME,"after":{ORIGIN:SEQ...},"folded":BOOL}}}, answered by
 *       {@code {"service":"catchup","data":{"status":"OK","events":[EVENT...],"more":BOOL,"folded":STATE?}}}.
 * </ul>
 */
public final class ReplicationMessages {
    private static final Logger log = LoggerFactory.getLogger(ReplicationMessages.class);
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
        data.put("events", events);
        return data;
    }

    public static List<Object> events(Map<String, Object> data) throws ProtocolException {
        return new ArrayList<>(Fields.list(data, "events"));
    }

    /** @param cursor where the peer's previous answer said its log scan continues, or null */
    static Map<String, Object> catchUpRequest(String from, Map<String, Long> after, Long cursor) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", from);
        data.put("after", after);
        if (cursor != null) {
            data.put("cursor", cursor);
        }
        return data;
    }

    static Map<String, Object> catchUpReply(CatchUpPage page) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "OK");
        data.put("events", page.events());
        data.put("more", page.more());
        if (page.cursor() != null) {
            data.put("cursor", page.cursor());
        }
        return data;
    }

    /**
     * Reads a catch-up answer. An event that cannot be read is skipped (logged at a bounded rate) so that it never
     * stalls catching up; the rest of the page is applied, and it is asked for again next round.
     */
    static CatchUpPage catchUpPage(Map<String, Object> data) throws ProtocolException {
        List<Event> events = new ArrayList<>();
        for (Object item : Fields.list(data, "events")) {
            try {
                events.add(Event.fromWire(Fields.stringKeyed(item)
                        .orElseThrow(() -> new ProtocolException("a catch-up entry is not an event map"))));
            } catch (ProtocolException e) {
                RejectionLog.warn(log, "an unreadable event in a {} page, skipped: {}", Services.CATCH_UP, e.getMessage());
            }
        }
        if (!(data.get("more") instanceof Boolean more)) {
            throw new ProtocolException("field 'more' must be a boolean");
        }
        return new CatchUpPage(events, more, cursor(data));
    }

    /** The optional {@code cursor} of a catch-up request or answer: a log position. */
    static Long cursor(Map<String, Object> data) throws ProtocolException {
        Long cursor = Fields.optionalInteger(data, "cursor").orElse(null);
        if (cursor != null && cursor < 0) {
            throw new ProtocolException("field 'cursor' must not be negative, got " + cursor);
        }
        return cursor;
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
