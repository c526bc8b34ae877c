package org.bulletinboard.api;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/** The client services as typed calls through the broker, with Lamport clocks and Lazy Pirate retries. */
public final class BoardClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(2500);
    public static final int DEFAULT_ATTEMPTS = 3;

    private final LazyPirateClient transport;
    private final Stamper stamper;

    /** @param stopping checked while a request waits; once true, the request is abandoned */
    public BoardClient(ZContext context, String brokerEndpoint, Stamper stamper, Duration timeout, int attempts,
                       BooleanSupplier stopping) {
        this.transport = new LazyPirateClient(context, brokerEndpoint, timeout, attempts, stopping);
        this.stamper = stamper;
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

    /** Any service, stamped with timestamp and clock; the reply's clock is merged into ours. */
    public Reply call(String service, Map<String, Object> fields) throws RequestTimeoutException {
        byte[] reply = transport.request(stamper.envelope(service, fields).encode());
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
