package org.bulletinboard.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bulletinboard.chaos.check.Folded;
import org.bulletinboard.chaos.check.ObservedBoard;
import org.bulletinboard.chaos.check.StoredEvent;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;

/**
 * Reads what a source holds, through the services any client or peer may call: everything a server holds (the
 * catch-up a wiped peer makes, from the start), and a whole board (every user and channel, every channel's history, the inbox of
 * each user asked for, page by page), from one server alone or, through the broker, as clients see it.
 */
public final class BoardReader {
    private BoardReader() {}

    /** Asks a source a service and returns the reply's data; a refusal is thrown. */
    @FunctionalInterface
    public interface Caller {
        Map<String, Object> call(String service, Map<String, Object> data)
                throws RequestTimeoutException, ProtocolException;
    }

    /** What a server holds, as {@link ServerState} takes it. */
    public record Held(List<StoredEvent> events, Folded folded) {}

    /**
     * Everything the server holds, asked for as a wiped peer asks: its checkpoint part by part, if it has one (folded
     * users and channels, the events it covers, the posts and messages it keeps), then the events after it.
     */
    public static Held events(Caller server) throws RequestTimeoutException, ProtocolException {
        List<StoredEvent> events = new ArrayList<>();
        Set<String> users = new HashSet<>();
        Set<String> channels = new HashSet<>();
        Set<String> covered = new HashSet<>();
        Map<String, Long> after = new TreeMap<>();
        Map<String, Object> holding = new TreeMap<>();
        Map<String, Object> asking = null; // the checkpoint part asked for next
        long taken = -1;
        boolean more = true;
        while (more) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("from", "chaos-checker");
            request.put("after", after);
            request.put("holding", holding);
            if (asking != null) {
                request.put("checkpoint", asking);
            }
            Map<String, Object> page = server.call(Services.CATCH_UP, request);
            List<StoredEvent> received = new ArrayList<>();
            for (Object item : Fields.list(page, "events")) {
                received.add(stored(Fields.stringKeyed(item)
                        .orElseThrow(() -> new ProtocolException("a catch-up entry is not an event map"))));
            }
            more = Boolean.TRUE.equals(page.get("more"));
            if (page.get("checkpoint") == null) {
                events.addAll(received); // in (origin, seq) order: the vector advances with them
                received.forEach(event -> after.merge(event.origin(), event.seq(), Math::max));
                continue;
            }
            Map<String, Object> part = Fields.map(page, "checkpoint");
            long at = Fields.integer(part, "at");
            long number = Fields.integer(part, "part");
            if (number == 0) {
                if (at == taken) {
                    throw new ProtocolException("the server offers again the checkpoint " + at + " just taken");
                }
                events.clear(); // a newer checkpoint: from its start
                users.clear();
                channels.clear();
            }
            events.addAll(received);
            users.addAll(Fields.map(part, "users").keySet());
            channels.addAll(Fields.map(part, "channels").keySet());
            if (number < Fields.integer(part, "parts") - 1) {
                asking = Map.of("at", at, "part", number + 1);
                continue;
            }
            Map<String, Object> covers = Fields.map(part, "covers");
            for (Map.Entry<String, Object> entry : Fields.map(covers, "vector").entrySet()) {
                if (!(entry.getValue() instanceof Long upTo)) {
                    throw new ProtocolException("a checkpoint's vector must map origins to sequence numbers");
                }
                after.put(entry.getKey(), upTo);
                for (long seq = 1; seq <= upTo; seq++) {
                    covered.add(entry.getKey() + ":" + seq);
                }
            }
            for (Map.Entry<String, Object> entry : Fields.map(covers, "gaps").entrySet()) {
                if (!(entry.getValue() instanceof List<?> seqs)) {
                    throw new ProtocolException("a checkpoint's gaps must map origins to lists of sequence numbers");
                }
                holding.put(entry.getKey(), seqs);
                for (Object seq : seqs) {
                    covered.add(entry.getKey() + ":" + seq);
                }
            }
            taken = at;
            asking = null;
        }
        return new Held(events, new Folded(users, channels, covered));
    }

    private static StoredEvent stored(Map<String, Object> wire) throws ProtocolException {
        String type = Fields.string(wire, "type");
        String key = switch (type) {
            case "post" -> Fields.string(wire, "channel");
            case "message" -> Fields.string(wire, "dst");
            default -> null;
        };
        String value = switch (type) {
            case "login" -> Fields.string(wire, "user");
            case "channel" -> Fields.string(wire, "channel");
            default -> Fields.string(wire, "message");
        };
        return new StoredEvent(Fields.string(wire, "origin"), Fields.integer(wire, "seq"),
                Fields.integer(wire, "lamport"), type, key, value,
                wire.get("request") instanceof String request ? request : null, wire);
    }

    /** The whole board as {@code source} shows it, with the inboxes of {@code inboxUsers}. */
    static ObservedBoard board(String source, Caller caller, Set<String> inboxUsers)
            throws RequestTimeoutException, ProtocolException {
        List<String> users = names(caller, Services.USERS, "users");
        List<String> channels = names(caller, Services.CHANNELS, "channels");
        Map<String, List<String>> histories = new TreeMap<>();
        for (String channel : channels) {
            histories.put(channel, texts(caller, Services.HISTORY, "channel", channel));
        }
        Map<String, List<String>> inboxes = new TreeMap<>();
        for (String user : inboxUsers) {
            inboxes.put(user, texts(caller, Services.INBOX, "user", user));
        }
        return new ObservedBoard(source, Set.copyOf(users), Set.copyOf(channels), histories, inboxes);
    }

    private static List<String> names(Caller caller, String service, String field)
            throws RequestTimeoutException, ProtocolException {
        List<String> names = new ArrayList<>();
        String after = null;
        do {
            Map<String, Object> request = after == null ? Map.of() : Map.of("after", after);
            Map<String, Object> page = caller.call(service, request);
            for (Object name : Fields.list(page, field)) {
                names.add((String) name);
            }
            after = page.get("next") instanceof String next ? next : null;
        } while (after != null);
        return names;
    }

    /** Every text of a history or inbox, oldest first, page by page back to the oldest the source holds. */
    private static List<String> texts(Caller caller, String service, String keyField, String key)
            throws RequestTimeoutException, ProtocolException {
        List<String> texts = new ArrayList<>();
        String before = null;
        do {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put(keyField, key);
            request.put("limit", Fields.MAX_HISTORY_LIMIT);
            if (before != null) {
                request.put("before", before);
            }
            Map<String, Object> page = caller.call(service, request);
            List<String> older = new ArrayList<>();
            for (Object entry : Fields.list(page, "messages")) {
                older.add(Fields.string(Fields.stringKeyed(entry)
                        .orElseThrow(() -> new ProtocolException("a history entry is not a map")), "message"));
            }
            texts.addAll(0, older);
            before = page.get("next") instanceof String next ? next : null;
        } while (before != null);
        return texts;
    }
}
