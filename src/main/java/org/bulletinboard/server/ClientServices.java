package org.bulletinboard.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.protocol.Timestamps;
import org.bulletinboard.server.replication.Replicator;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The six client services, and {@code history} and {@code inbox} to read back what was stored. A write is made
 * durable here, pushed to every live peer and, within a bounded wait for their acknowledgements, answered; so a
 * client that reads from another server next sees its own write.
 */
final class ClientServices implements RequestHandling.Handler {
    private static final Logger log = LoggerFactory.getLogger(ClientServices.class);

    private final BoardStore store;
    private final Replicator replicator;
    private final Stamper stamper;
    private final Consumer<Publication> publications;
    private final long ackTimeoutMillis;

    ClientServices(BoardStore store, Replicator replicator, Stamper stamper,
                   Consumer<Publication> publications, Duration ackTimeout) {
        this.store = store;
        this.replicator = replicator;
        this.stamper = stamper;
        this.publications = publications;
        this.ackTimeoutMillis = ackTimeout.toMillis();
    }

    @Override
    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        Map<String, Object> data = request.data();
        switch (request.service()) {
            case Services.LOGIN: {
                String user = Fields.name(data, "user");
                commit(Event.login(user));
                log.info("user {} logged in", user);
                return Replies.status(Services.SUCCESS);
            }
            case Services.USERS:
                return Map.of("users", store.userNames());
            case Services.CHANNEL: {
                String channel = Fields.name(data, "channel");
                if (store.hasChannel(channel)) {
                    throw new ProtocolException("channel '" + channel + "' already exists");
                }
                commit(Event.channelCreated(channel));
                log.info("channel {} created", channel);
                return Replies.status(Services.SUCCESS);
            }
            case Services.CHANNELS: {
                List<String> channels = store.channelNames();
                Map<String, Object> reply = new LinkedHashMap<>();
                reply.put("channels", channels);
                reply.put("users", channels); // the course text's typo, which some clients read
                return reply;
            }
            case Services.HISTORY: {
                String channel = Fields.name(data, "channel");
                int limit = Fields.historyLimit(data);
                requireChannel(channel);
                return readBack("channel", channel, store.channelHistory(channel, limit));
            }
            case Services.INBOX: {
                String user = Fields.name(data, "user");
                return readBack("user", user, store.inbox(user, Fields.historyLimit(data)));
            }
            case Services.PUBLISH:
                return publish(data);
            case Services.MESSAGE:
                return privateMessage(data);
            default:
                throw new ProtocolException("unknown service '" + request.service() + "'");
        }
    }

    private Map<String, Object> publish(Map<String, Object> data) throws ProtocolException {
        String user = Fields.name(data, "user");
        String channel = Fields.name(data, "channel");
        String message = Fields.text(data, "message");
        requireChannel(channel);
        return commitAndPublish(Event.post(user, channel, message));
    }

    private Map<String, Object> privateMessage(Map<String, Object> data) throws ProtocolException {
        String src = Fields.name(data, "src");
        String dst = Fields.name(data, "dst");
        String message = Fields.text(data, "message");
        if (!store.hasUser(dst)) {
            throw new ProtocolException("user '" + dst + "' does not exist");
        }
        return commitAndPublish(Event.privateMessage(src, dst, message));
    }

    private void requireChannel(String channel) throws ProtocolException {
        if (!store.hasChannel(channel)) {
            throw new ProtocolException("channel '" + channel + "' does not exist");
        }
    }

    /** A history or inbox reply: the entries oldest first, each with the time and Lamport clock it was written at. */
    private static Map<String, Object> readBack(String key, String name, List<Event> events) {
        Map<String, Object> reply = Replies.status(Services.OK);
        reply.put(key, name);
        reply.put("messages", events.stream().map(event -> {
            Map<String, Object> entry = Publication.fields(event);
            entry.put("timestamp", Timestamps.toWire(event.timestamp()));
            entry.put("clock", event.lamport());
            return entry;
        }).toList());
        return reply;
    }

    private Map<String, Object> commitAndPublish(Event draft) {
        publications.accept(Publication.of(commit(draft), stamper));
        return Replies.status(Services.OK);
    }

    /** Durable here, then replicated; a peer that does not acknowledge in time gets the event resent later. */
    private Event commit(Event draft) {
        Event event;
        try {
            event = store.appendLocal(draft);
        } catch (IOException e) {
            throw new UncheckedIOException("could not persist " + draft.type() + " event", e);
        }
        try {
            replicator.replicate(event).get(ackTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("event {} not acknowledged by every peer within {} ms; it will be resent", event.id(), ackTimeoutMillis);
        } catch (ExecutionException | CancellationException e) {
            log.warn("replication of event {} did not complete: {}", event.id(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return event;
    }
}
