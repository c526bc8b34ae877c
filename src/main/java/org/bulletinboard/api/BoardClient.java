package org.bulletinboard.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * The client services as typed calls through the broker, with Lamport clocks and Lazy Pirate retries. Every
 * write carries a fresh {@code request_id}, the same on each retry, so a retry never applies a write twice; a write
 * answered with an unknown outcome (its servers did not confirm it in time) is sent again too, up to the attempts.
 */
public final class BoardClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(2500);
    public static final int DEFAULT_ATTEMPTS = 3;

    private final LazyPirateClient transport;
    private final Stamper stamper;
    private final int attempts;
    private final String requestPrefix = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36) + "-";
    private long requests;

    /** @param stopping checked while a request waits; once true, the request is abandoned */
    public BoardClient(ZContext context, String brokerEndpoint, Stamper stamper, Duration timeout, int attempts,
                       BooleanSupplier stopping) {
        this.transport = new LazyPirateClient(context, brokerEndpoint, timeout, attempts, stopping);
        this.stamper = stamper;
        this.attempts = attempts;
    }

    public BoardClient(ZContext context, String brokerEndpoint, Stamper stamper) {
        this(context, brokerEndpoint, stamper, DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS, () -> false);
    }

    public Reply login(String user) throws RequestTimeoutException {
        return call(Services.LOGIN, Map.of("user", user));
    }

    public Reply users() throws RequestTimeoutException {
        return call(Services.USERS, Map.of());
    }

    public Reply createChannel(String channel) throws RequestTimeoutException {
        return call(Services.CHANNEL, Map.of("channel", channel));
    }

    public Reply channels() throws RequestTimeoutException {
        return call(Services.CHANNELS, Map.of());
    }

    public Reply publish(String user, String channel, String message) throws RequestTimeoutException {
        return call(Services.PUBLISH, Map.of("user", user, "channel", channel, "message", message));
    }

    public Reply message(String src, String dst, String message) throws RequestTimeoutException {
        return call(Services.MESSAGE, Map.of("src", src, "dst", dst, "message", message));
    }

    /** The last {@code limit} posts of a channel, oldest first, under {@code messages}. */
    public Reply history(String channel, int limit) throws RequestTimeoutException {
        return call(Services.HISTORY, Map.of("channel", channel, "limit", limit));
    }

    /** The last {@code limit} private messages to {@code user}, oldest first, under {@code messages}. */
    public Reply inbox(String user, int limit) throws RequestTimeoutException {
        return call(Services.INBOX, Map.of("user", user, "limit", limit));
    }

    /** Any service, stamped with timestamp and clock (and a request id if it writes); the reply's clock is merged into ours. */
    public Reply call(String service, Map<String, Object> fields) throws RequestTimeoutException {
        Map<String, Object> request = fields;
        if (Services.isWrite(service) && !fields.containsKey(Fields.REQUEST_ID)) {
            request = new LinkedHashMap<>(fields);
            request.put(Fields.REQUEST_ID, requestPrefix + ++requests);
        }
        Reply reply;
        int sent = 0;
        do {
            reply = decode(service, transport.request(stamper.envelope(service, request).encode()));
        } while (++sent < attempts && Replies.isOutcomeUnknown(reply.data()));
        return reply;
    }

    private Reply decode(String service, byte[] reply) {
        try {
            Envelope envelope = Envelope.decode(reply);
            stamper.observe(envelope);
            return Reply.of(envelope);
        } catch (ProtocolException e) {
            return Reply.failure(service, "unreadable reply: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
