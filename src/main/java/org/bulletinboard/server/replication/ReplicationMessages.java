package org.bulletinboard.server.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RejectionLog;
import org.bulletinboard.protocol.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;
import org.bulletinboard.server.store.CatchUpPage;
import org.bulletinboard.server.store.CheckpointPart;
import org.bulletinboard.server.store.Coverage;
import org.bulletinboard.server.store.Event;

/**
 * Server-to-server replication frames; all carry timestamp and clock like every frame.
 * <ul>
 *   <li>Push: {@code {"service":"replicate","data":{"from":NAME,"events":[EVENT...]}}}, acknowledged by
 *       {@code {"service":"replicate","data":{"status":"OK","acked":["origin:seq"...]}}}.
 *   <li>Pull: {@code {"service":"catchup","data":{"from":NAME,"after":{ORIGIN:SEQ...},"holding":{ORIGIN:[SEQ...]}?,
 *       "checkpoint":{"at":POSITION,"part":N}?}}}, answered by
 *       {@code {"service":"catchup","data":{"status":"OK","events":[EVENT...],"more":BOOL,"checkpoint":PART?}}}. The
 *       asker holds every event up to {@code after} and those in {@code holding} above that. An answer without
 *       {@code checkpoint} holds events it lacks; one with it holds part N of the answerer's latest checkpoint,
 *       {@code {"at":POSITION,"part":N,"parts":COUNT,"users":{NAME:{"first":MS,"last":MS}...},
 *       "channels":{NAME:{"created":MS}...},"covers":{"vector":{ORIGIN:SEQ...},"gaps":{ORIGIN:[SEQ...]}},
 *       "lamport":CLOCK}} (covers and lamport on the last part only), and the asker asks for the next part.
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

    /** Events above gaps a catch-up request names at most; a peer holding more names none (and may get more). */
    static final int MAX_HOLDING = 10_000;

    /**
     * @param checkpointAt   the checkpoint being taken, with {@code part} the part asked for; negative for none
     */
    static Map<String, Object> catchUpRequest(String from, Map<String, Long> after, Map<String, Set<Long>> holding,
                                              long checkpointAt, int part) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", from);
        data.put("after", after);
        if (!holding.isEmpty() && holding.values().stream().mapToInt(Set::size).sum() <= MAX_HOLDING) {
            Map<String, Object> lists = new TreeMap<>();
            holding.forEach((origin, seqs) -> lists.put(origin, new ArrayList<>(new TreeSet<>(seqs))));
            data.put("holding", lists);
        }
        if (checkpointAt >= 0) {
            data.put("checkpoint", Map.of("at", checkpointAt, "part", (long) part));
        }
        return data;
    }

    /** What a catch-up request says the asker holds beyond {@code after}. */
    static Map<String, Set<Long>> holding(Map<String, Object> data) throws ProtocolException {
        Object field = data.get("holding");
        if (field == null) {
            return Map.of();
        }
        Map<String, Object> lists = Fields.map(data, "holding");
        Map<String, Set<Long>> holding = new HashMap<>();
        int count = 0;
        for (Map.Entry<String, Object> entry : lists.entrySet()) {
            if (!(entry.getValue() instanceof List<?> seqs)) {
                throw new ProtocolException("'holding' must map origins to lists of sequence numbers");
            }
            Set<Long> held = new HashSet<>();
            for (Object seq : seqs) {
                if (!(seq instanceof Long number) || ++count > MAX_HOLDING) {
                    throw new ProtocolException("'holding' must list at most " + MAX_HOLDING + " sequence numbers");
                }
                held.add(number);
            }
            holding.put(entry.getKey(), held);
        }
        return holding;
    }

    /** The checkpoint part a catch-up request asks for: {@code [at, part]}, or null for none. */
    static long[] checkpointAsked(Map<String, Object> data) throws ProtocolException {
        if (data.get("checkpoint") == null) {
            return null;
        }
        Map<String, Object> asked = Fields.map(data, "checkpoint");
        long at = Fields.integer(asked, "at");
        long part = Fields.integer(asked, "part");
        if (at < 0 || part < 0 || part > Integer.MAX_VALUE) {
            throw new ProtocolException("field 'checkpoint' must name a log position and a part, got " + asked);
        }
        return new long[] {at, part};
    }

    static Map<String, Object> catchUpReply(CatchUpPage page) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "OK");
        data.put("events", page.events());
        data.put("more", page.more());
        if (page.checkpoint() != null) {
            data.put("checkpoint", checkpointPart(page.checkpoint()));
        }
        return data;
    }

    private static Map<String, Object> checkpointPart(CheckpointPart part) {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("at", part.at());
        wire.put("part", (long) part.part());
        wire.put("parts", (long) part.parts());
        Map<String, Object> users = new LinkedHashMap<>();
        part.users().forEach((name, user) -> users.put(name, Map.of("first", user.firstLogin(), "last", user.lastLogin())));
        wire.put("users", users);
        Map<String, Object> channels = new LinkedHashMap<>();
        part.channels().forEach((name, channel) -> channels.put(name, Map.of("created", channel.created())));
        wire.put("channels", channels);
        if (part.covers() != null) {
            wire.put("covers", Map.of("vector", part.covers().vector(), "gaps", part.covers().gaps()));
            wire.put("lamport", part.maxLamport());
        }
        return wire;
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
        CheckpointPart part = data.get("checkpoint") == null ? null : checkpointPart(Fields.map(data, "checkpoint"), events);
        return new CatchUpPage(events, more, part);
    }

    private static CheckpointPart checkpointPart(Map<String, Object> wire, List<Event> events) throws ProtocolException {
        long at = Fields.integer(wire, "at");
        long part = Fields.integer(wire, "part");
        long parts = Fields.integer(wire, "parts");
        if (at < 0 || part < 0 || parts <= part || parts > Integer.MAX_VALUE) {
            throw new ProtocolException("a checkpoint part must name its position, number and count, got " + wire);
        }
        Map<String, UserRecord> users = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(wire, "users").entrySet()) {
            Map<String, Object> user = stringKeyed(entry.getValue(), "a checkpoint's user");
            users.put(entry.getKey(), new UserRecord(Fields.integer(user, "first"), Fields.integer(user, "last")));
        }
        Map<String, ChannelRecord> channels = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(wire, "channels").entrySet()) {
            Map<String, Object> channel = stringKeyed(entry.getValue(), "a checkpoint's channel");
            channels.put(entry.getKey(), new ChannelRecord(Fields.integer(channel, "created")));
        }
        Coverage covers = null;
        long lamport = 0;
        if (part == parts - 1) {
            Map<String, Object> coverage = Fields.map(wire, "covers");
            Map<String, Long> vector = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : Fields.map(coverage, "vector").entrySet()) {
                if (!(entry.getValue() instanceof Long seq)) {
                    throw new ProtocolException("a checkpoint's 'vector' must map origins to sequence numbers");
                }
                vector.put(entry.getKey(), seq);
            }
            Map<String, List<Long>> gaps = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : Fields.map(coverage, "gaps").entrySet()) {
                List<Long> seqs = new ArrayList<>();
                if (!(entry.getValue() instanceof List<?> listed)) {
                    throw new ProtocolException("a checkpoint's 'gaps' must map origins to lists of sequence numbers");
                }
                for (Object seq : listed) {
                    if (!(seq instanceof Long number)) {
                        throw new ProtocolException("a checkpoint's 'gaps' must list sequence numbers");
                    }
                    seqs.add(number);
                }
                gaps.put(entry.getKey(), seqs);
            }
            covers = new Coverage(vector, gaps);
            lamport = Fields.integer(wire, "lamport");
        }
        return new CheckpointPart(at, (int) part, (int) parts, users, channels, events, covers, lamport);
    }

    private static Map<String, Object> stringKeyed(Object value, String what) throws ProtocolException {
        return Fields.stringKeyed(value).orElseThrow(() -> new ProtocolException(what + " is not a map"));
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
