package org.bulletinboard.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.Event;

/** A message for subscribers: the topic (a channel or a user name) and the payload sent under it. */
record Publication(String topic, Envelope payload) {

    /** Whether subscribers are told of such an event: posts and private messages are, logins and new channels not. */
    static boolean isPublished(Event event) {
        return Event.POST.equals(event.type()) || Event.MESSAGE.equals(event.type());
    }

    /** What subscribers see of a committed post (on the channel's topic) or private message (on the recipient's). */
    static Publication of(Event event, Stamper stamper) {
        return switch (event.type()) {
            case Event.POST -> new Publication(event.channel(), stamper.envelope(Services.PUBLISH, identified(event)));
            case Event.MESSAGE -> new Publication(event.dst(), stamper.envelope(Services.MESSAGE, identified(event)));
            default -> throw new IllegalArgumentException(event.type() + " events are not published");
        };
    }

    /**
     * The fields below and, beside them, the event's {@code id}: every server publishes to every proxy, so a
     * subscriber connected to several (to lose none when one goes) gets each publication once from each, and keeps
     * the first.
     */
    private static Map<String, Object> identified(Event event) {
        Map<String, Object> fields = fields(event);
        fields.put("id", event.id());
        return fields;
    }

    /**
     * A post ({@code user, channel, message}) or private message ({@code src, dst, user, message}) with the names
     * a publication uses, so history entries and live publications read alike.
     */
    static Map<String, Object> fields(Event event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (Event.MESSAGE.equals(event.type())) {
            fields.put("src", event.src());
            fields.put("dst", event.dst());
            fields.put("user", event.src());
        } else {
            fields.put("user", event.user());
            fields.put("channel", event.channel());
        }
        fields.put("message", event.message());
        return fields;
    }
}
