package org.bulletinboard.chaos;

import java.time.Duration;
import java.util.Map;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/**
 * The checker's own requests to one role (a server's socket for peers, or the broker), for reading what it holds.
 * The checker observes and does not take part: it stamps its requests but does not merge the clocks it is sent,
 * so it can read a cluster whose clocks were poisoned. A refusal is thrown, with its description. One thread.
 */
public final class RoleCaller implements AutoCloseable, BoardReader.Caller {
    /** The largest frame servers send each other (a page of catch-up), which a reply to the checker may be too. */
    private static final long MAX_REPLY_BYTES = 4L * 1024 * 1024;

    private final LazyPirateClient transport;
    private final Stamper stamper = Stamper.systemClock();

    public RoleCaller(ZContext context, String endpoint, Duration timeout, int attempts) {
        this.transport = new LazyPirateClient(context, endpoint, timeout, attempts, () -> false, MAX_REPLY_BYTES);
    }

    @Override
    public Map<String, Object> call(String service, Map<String, Object> data)
            throws RequestTimeoutException, ProtocolException {
        Envelope reply = Envelope.decode(transport.request(stamper.envelope(service, data).encode()));
        if (Services.ERRO.equals(reply.data().get("status"))) {
            throw new ProtocolException(service + " refused by " + transport.endpoint() + ": "
                    + Replies.errorText(reply.data()));
        }
        return reply.data();
    }

    String endpoint() {
        return transport.endpoint();
    }

    @Override
    public void close() {
        transport.close();
    }
}
