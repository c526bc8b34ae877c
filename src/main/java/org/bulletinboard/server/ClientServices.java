package org.bulletinboard.server;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The six client services, {@code history} and {@code inbox} to read back what was stored, and {@code status}.
 * A write is applied here and written to the log without waiting for the disk; the loop that serves it takes the
 * event ({@link #takeStaged}) and holds the reply until the event is durable and its peers have acknowledged it
 * (then it publishes it), so a client that reads from another server next sees its own write. A write carrying a
 * {@code request_id} that some server already applied is answered with the original result and not applied again.
 * Used by one thread, except {@code status}, which may be served on another (it asks the peers and waits).
 */
final class ClientServices implements RequestHandling.Handler {
    private static final Logger log = LoggerFactory.getLogger(ClientServices.class);

    private final BoardStore store;
    private final BoardReads reads;
    private final Runnable onRequest;
    private final Supplier<Map<String, Object>> status;
    /** The write the last request staged, until the serving loop takes it. */
    private Staged staged;
    /** The broker's id of the request about to be handled, its request id if the client sent none. */
    private String fallbackRequestId;
    /** Whether the broker handed the request about to be handled on, after a server holding it was lost. */
    private boolean handedOn;

    /**
     * @param onRequest called for every request handled (Berkeley rounds count them)
     * @param status    the {@code status} reply: every live server's row
     */
    ClientServices(BoardStore store, Runnable onRequest, Supplier<Map<String, Object>> status) {
        this.store = store;
        this.reads = new BoardReads(store);
        this.onRequest = onRequest;
        this.status = status;
    }

    /**
     * What the broker says of the next request: the id it gave it, taken as its {@code request_id} if the client
     * sent none, so that a write the broker hands to a second server is applied once; and whether it was handed on
     * after a server holding it was lost.
     */
    void fromBroker(String brokerId, boolean handedOnAfterLoss) {
        fallbackRequestId = brokerId;
        handedOn = handedOnAfterLoss;
    }

    /**
     * A write whose reply waits until its event is durable and a quorum acknowledged it: a new event, or, for a retry
     * of a request this server holds, that request's event again (not published again).
     */
    record Staged(Event event, boolean retry) {}

    /** The write the request just handled staged, if it staged one; null for a read or a refusal. */
    Staged takeStaged() {
        Staged write = staged;
        staged = null;
        return write;
    }

    @Override
    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        onRequest.run();
        Map<String, Object> data = request.data();
        String brokerId = fallbackRequestId;
        boolean lostBefore = handedOn;
        fallbackRequestId = null;
        handedOn = false;
        String requestId = Fields.optionalName(data, Fields.REQUEST_ID).orElse(brokerId);
        if (requestId != null && Services.isWrite(request.service()) && store.hasRequest(requestId)) {
            log.info("request {} was already applied; answering the retry once a quorum holds it", requestId);
            stageAgain(requestId);
            return writeResult(request.service());
        }
        if (lostBefore && Services.isWrite(request.service())) {
            // Applied here too, it would be a second copy that moves in history once it meets the first.
            throw new ProtocolException(Replies.outcomeUnknownDescription("its first server was lost while holding"
                    + " it and may have applied it; this server did not take it, so as not to apply it twice"));
        }
        switch (request.service()) {
            case Services.LOGIN: {
                String user = Fields.name(data, "user");
                commit(Event.login(user).withRequest(requestId));
                log.info("user {} logged in", user);
                return writeResult(Services.LOGIN);
            }
            case Services.CHANNEL: {
                String channel = Fields.name(data, "channel");
                if (store.hasChannel(channel)) {
                    throw new ProtocolException("channel '" + channel + "' already exists");
                }
                commit(Event.channelCreated(channel).withRequest(requestId));
                log.info("channel {} created", channel);
                return writeResult(Services.CHANNEL);
            }
            case Services.USERS, Services.CHANNELS, Services.HISTORY, Services.INBOX:
                return reads.handle(request);
            case Services.STATUS:
                return status.get();
            case Services.PUBLISH:
                return publish(data, requestId);
            case Services.MESSAGE:
                return privateMessage(data, requestId);
            default:
                throw new ProtocolException("unknown service '" + request.service() + "'");
        }
    }

    /** The reply a write gets when it succeeds, in the status words the course uses for that service. */
    private static Map<String, Object> writeResult(String service) {
        return Replies.status(Services.LOGIN.equals(service) || Services.CHANNEL.equals(service)
                ? Services.SUCCESS : Services.OK);
    }

    private Map<String, Object> publish(Map<String, Object> data, String requestId) throws ProtocolException {
        String user = Fields.name(data, "user");
        String channel = Fields.name(data, "channel");
        String message = Fields.text(data, "message");
        reads.requireChannel(channel);
        commit(Event.post(user, channel, message).withRequest(requestId));
        return Replies.status(Services.OK);
    }

    private Map<String, Object> privateMessage(Map<String, Object> data, String requestId) throws ProtocolException {
        String src = Fields.name(data, "src");
        String dst = Fields.name(data, "dst");
        String message = Fields.text(data, "message");
        if (!store.hasUser(dst)) {
            throw new ProtocolException("user '" + dst + "' does not exist");
        }
        commit(Event.privateMessage(src, dst, message).withRequest(requestId));
        return Replies.status(Services.OK);
    }

    /**
     * A retry of a request this server holds is answered, as the first try would have been, only once a quorum holds
     * its event: that try's outcome may have been unknown, its event here alone. The event goes to the peers again
     * (those that hold it acknowledge at once).
     */
    private void stageAgain(String requestId) throws ProtocolException {
        try {
            staged = store.eventOfRequest(requestId).map(event -> new Staged(event, true)).orElse(null);
        } catch (IOException e) {
            throw new ProtocolException(Replies.outcomeUnknownDescription("this server could not read its log ("
                    + e.getMessage() + ")"));
        }
    }

    /**
     * Applies and logs a write (the serving loop makes it durable and replicates it); a request applied before is
     * not. A write the log could not take may have left part of itself on disk: its outcome is unknown.
     */
    private void commit(Event draft) throws ProtocolException {
        try {
            Event event = store.stageLocal(draft).event(); // null for a request another server applied meanwhile
            staged = event == null ? null : new Staged(event, false);
        } catch (IOException e) {
            throw new ProtocolException(Replies.outcomeUnknownDescription("this server's storage failed ("
                    + e.getMessage() + ")"));
        }
    }
}
