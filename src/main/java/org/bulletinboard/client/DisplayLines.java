package org.bulletinboard.client;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Timestamps;

/** How posts and private messages look on screen, whether they arrive live or from history. */
final class DisplayLines {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private DisplayLines() {}

    static String publication(Envelope publication) {
        return entry(Services.MESSAGE.equals(publication.service()), publication.data());
    }

    /** {@code 20:28:30 [lobby] ana: hello} for a post, {@code 20:28:31 [private] ana: hi} for a private message. */
    static String entry(boolean privateMessage, Map<?, ?> data) {
        String time = LocalTime.ofInstant(Instant.ofEpochMilli(millis(data)), ZoneId.systemDefault()).format(TIME);
        String message = text(data, "message");
        if (privateMessage) {
            return time + " [private] " + text(data, "src", "user") + ": " + message;
        }
        return time + " [" + text(data, "channel") + "] " + text(data, "user", "src") + ": " + message;
    }

    private static long millis(Map<?, ?> data) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("timestamp", data.get("timestamp"));
        try {
            return Timestamps.read(fields).orElseGet(System::currentTimeMillis);
        } catch (ProtocolException e) {
            return System.currentTimeMillis();
        }
    }

    /** The first of the named fields that holds a string: senders differ in which names they use. */
    private static String text(Map<?, ?> data, String... names) {
        for (String name : names) {
            if (data.get(name) instanceof String value) {
                return value;
            }
        }
        return "?";
    }
}
