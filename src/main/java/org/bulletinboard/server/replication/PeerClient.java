package org.bulletinboard.server.replication;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.zeromq.ZContext;

/** Requests to one peer's server-to-server socket: stamped, bounded in time, the reply's clock merged. One thread. */
public final class PeerClient implements AutoCloseable {
    private final LazyPirateClient transport;
    private final Stamper stamper;

    public PeerClient(ZContext context, Peer peer, Stamper stamper, Duration timeout, BooleanSupplier stopping) {
        this.transport = new LazyPirateClient(context, peer.address(), timeout, 1, stopping,
                ReplicationMessages.MAX_PEER_FRAME_BYTES);
        this.stamper = stamper;
    }

    /** Sends one request; returns the reply's data, or throws if the peer is silent, unreadable or refuses. */
    public Map<String, Object> call(String service, Map<String, Object> data)
            throws RequestTimeoutException, ProtocolException {
        Envelope reply = Envelope.decode(transport.request(stamper.envelope(service, data).encode()));
        stamper.observe(reply);
        if (Services.ERRO.equals(reply.data().get("status"))) {
            throw new ProtocolException(service + " refused: " + Replies.errorText(reply.data()));
        }
        return reply.data();
    }

    /** Where the peer is reached. */
    public String endpoint() {
        return transport.endpoint();
    }

    @Override
    public void close() {
        transport.close();
    }
}
