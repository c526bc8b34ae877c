package org.bulletinboard.server.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * The part of the board that events fold into and no longer exist as events once compacted: users, channels,
 * the request ids that created them, and the highest Lamport time folded in. {@code covers} names the events
 * it stands for. Merging it is a join, so it travels between servers when a peer lacks compacted events.
 */
public record FoldedState(Coverage covers, Map<String, UserRecord> users, Map<String, ChannelRecord> channels,
                          List<String> requests, long maxLamport) {

    public FoldedState {
        users = new TreeMap<>(users);
        channels = new TreeMap<>(channels);
        requests = List.copyOf(requests);
    }

    public Map<String, Object> toWire() {
        Map<String, Object> userMap = new LinkedHashMap<>();
        users.forEach((name, r) -> userMap.put(name, Map.of("first_login", r.firstLogin(), "last_login", r.lastLogin())));
        Map<String, Object> channelMap = new LinkedHashMap<>();
        channels.forEach((name, r) -> channelMap.put(name, Map.of("created", r.created())));
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("covers", Map.of("vector", covers.vector(), "gaps", covers.gaps()));
        wire.put("users", userMap);
        wire.put("channels", channelMap);
        wire.put("requests", requests);
        wire.put("max_lamport", maxLamport);
        return wire;
    }

    /** Reads and checks a peer's folded state. */
    public static FoldedState fromWire(Map<String, Object> wire) throws ProtocolException {
        Map<String, Object> covers = Fields.map(wire, "covers");
        Map<String, Long> vector = new TreeMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(covers, "vector").entrySet()) {
            vector.put(entry.getKey(), Fields.integer(valueOf(entry.getValue()), "v"));
        }
        Map<String, List<Long>> gaps = new TreeMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(covers, "gaps").entrySet()) {
            List<Long> seqs = new ArrayList<>();
            for (Object seq : Fields.list(valueOf(entry.getValue()), "v")) {
                seqs.add(Fields.integer(valueOf(seq), "v"));
            }
            gaps.put(entry.getKey(), seqs);
        }
        Map<String, UserRecord> users = new TreeMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(wire, "users").entrySet()) {
            Map<String, Object> record = Fields.map(valueOf(entry.getValue()), "v");
            users.put(checkedName(entry.getKey()),
                    new UserRecord(Fields.integer(record, "first_login"), Fields.integer(record, "last_login")));
        }
        Map<String, ChannelRecord> channels = new TreeMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(wire, "channels").entrySet()) {
            Map<String, Object> record = Fields.map(valueOf(entry.getValue()), "v");
            channels.put(checkedName(entry.getKey()), new ChannelRecord(Fields.integer(record, "created")));
        }
        List<String> requests = new ArrayList<>();
        for (Object request : Fields.list(wire, "requests")) {
            requests.add(Fields.name(valueOf(request), "v"));
        }
        return new FoldedState(new Coverage(vector, gaps), users, channels, requests, Fields.integer(wire, "max_lamport"));
    }

    /** A nested value under key "v", so the field checks of {@link Fields} apply to it. */
    private static Map<String, Object> valueOf(Object value) {
        Map<String, Object> single = new LinkedHashMap<>();
        single.put("v", value);
        return single;
    }

    private static String checkedName(String name) throws ProtocolException {
        return Fields.name(valueOf(name), "v");
    }
}
