package org.bulletinboard.server;

import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.ServingLoop;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.ReplicationMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The server's socket for other servers (ROUTER), served on one thread by {@link PeerServices}. It binds when
 * made and serves once started, so a port in use stops the server before any of its threads run.
 */
final class PeerEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerEndpoint.class);

    private final String bindEndpoint;
    private final ZMQ.Socket socket;
    private RoleLoop loop;

    PeerEndpoint(ZContext context, String bindEndpoint) {
        this.bindEndpoint = bindEndpoint;
        this.socket = Sockets.create(context, SocketType.ROUTER, ReplicationMessages.MAX_PEER_FRAME_BYTES);
        Sockets.bind(socket, bindEndpoint);
    }

    /** @param beforeReplies makes what a batch of requests wrote durable, before any of them is acknowledged */
    void start(RequestHandling.Handler services, Runnable beforeReplies, Stamper stamper, String node,
               RequestHandling.Observer observer) {
        this.loop = RoleLoop.start("server", node, "peers", loop -> {
            log.info("peer socket bound on {}", bindEndpoint);
            ServingLoop.run(socket, loop::running, frame -> RequestHandling.reply(frame, stamper, services, log,
                    ReplicationMessages.MAX_PEER_FRAME_BYTES, observer), beforeReplies);
        });
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close(); // the loop closes the socket
        } else {
            socket.close();
        }
    }
}
