package org.bulletinboard.server;

import java.util.Map;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.CatchUpResponder;
import org.bulletinboard.server.replication.ReplicaApplier;
import org.bulletinboard.server.replication.ReplicationMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The server's socket for other servers (ROUTER): serves their replication batches and catch-up requests. */
final class PeerEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerEndpoint.class);

    private final ReplicaApplier replicas;
    private final CatchUpResponder catchUp;
    private volatile boolean running = true;
    private final Thread loop;

    PeerEndpoint(ZContext context, String bindEndpoint, ReplicaApplier replicas, CatchUpResponder catchUp,
                 Stamper stamper, String node) {
        this.replicas = replicas;
        this.catchUp = catchUp;
        ZMQ.Socket socket = Sockets.create(context, SocketType.ROUTER, ReplicationMessages.MAX_PEER_FRAME_BYTES);
        Sockets.bind(socket, bindEndpoint);
        this.loop = RoleThreads.start("server", node, "peers", () -> {
            log.info("peer socket bound on {}", bindEndpoint);
            ServingLoop.run(context, socket, () -> running,
                    frame -> RequestHandling.reply(frame, stamper, this::dispatch, log).encode());
        });
    }

    private Map<String, Object> dispatch(Envelope request) throws ProtocolException {
        if (Services.REPLICATE.equals(request.service())) {
            return replicas.handle(request);
        }
        if (Services.CATCH_UP.equals(request.service())) {
            return catchUp.handle(request);
        }
        throw new ProtocolException("unknown server-to-server service '" + request.service() + "'");
    }

    @Override
    public void close() {
        running = false;
        RoleThreads.join(loop);
    }
}
