package org.bulletinboard.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.Event;

/** A message for subscribers: the topic (a channel or a user name) and the payload sent under it. */
record Publication(String topic, Envelope payload) {

    /** What subscribers see of a committed post (on the channel's topic) or private message (on the recipient's). */
    static Publication of(Event event, Stamper stamper) {
        Map<String, Object> fields = new LinkedHashMap<>();
        switch (event.type()) {
            case Event.POST -> {
                fields.put("user", event.user());
                fields.put("channel", event.channel());
                fields.put("message", event.message());
                return new Publication(event.channel(), stamper.envelope(Services.PUBLISH, fields));
            }
            case Event.MESSAGE -> {
                fields.put("src", event.src());
                fields.put("dst", event.dst());
                fields.put("user", event.src());
                fields.put("message", event.message());
                return new Publication(event.dst(), stamper.envelope(Services.MESSAGE, fields));
            }
            default -> throw new IllegalArgumentException(event.type() + " events are not published");
        }
    }
}
