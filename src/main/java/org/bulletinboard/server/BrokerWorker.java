package org.bulletinboard.server;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.PirateWorker;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * One worker of a server: a {@link PirateWorker} loop serving the client services, plus a PUB socket for the
 * publications its requests make, both on the worker's own thread. A server runs several, so that requests
 * waiting for disk or for peers overlap.
 */
final class BrokerWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerWorker.class);

    private final PirateWorker.Link broker = new PirateWorker.Link();
    private final RoleLoop loop;

    BrokerWorker(ZContext context, String brokerEndpoint, String proxyEndpoint, Duration heartbeatInterval,
                 Function<Consumer<Publication>, RequestHandling.Handler> services, Stamper stamper,
                 RequestHandling.Observer observer, String node, int number) {
        this.loop = RoleLoop.start("server", node, "worker-" + number, loop -> {
            ZMQ.Socket publisher = Sockets.create(context, SocketType.PUB);
            NamedConnection proxy = new NamedConnection(publisher, proxyEndpoint, "proxy", log);
            // The services get the publisher through a callback, so the socket stays on this thread.
            RequestHandling.Handler handler = services.apply(publication -> {
                if (proxy.maintain()) { // until the proxy's name resolves, publications go nowhere, as for any PUB
                    publisher.sendMore(publication.topic());
                    publisher.send(publication.payload().encodeForSubscribers(), 0);
                }
            });
            proxy.maintain();
            try {
                PirateWorker.serve(context, brokerEndpoint, heartbeatInterval, loop::running, broker,
                        frame -> RequestHandling.reply(frame, stamper, handler, log, Fields.MAX_FRAME_BYTES, observer));
            } finally {
                publisher.close();
            }
        });
    }

    /** Whether this worker hears the broker, so the broker can hand it requests. */
    boolean connected() {
        return broker.connected();
    }

    /** Stops taking requests, without waiting; the one in hand is finished first. */
    void stop() {
        loop.stop();
    }

    @Override
    public void close() {
        loop.close();
    }
}
