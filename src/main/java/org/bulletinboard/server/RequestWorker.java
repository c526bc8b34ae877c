package org.bulletinboard.server;

import java.util.function.Consumer;
import java.util.function.Function;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Takes client requests from the broker (a DEALER connected to the broker's server side) and sends the
 * resulting publications to the proxy (PUB); one thread owns both sockets.
 */
final class RequestWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);

    private volatile boolean running = true;
    private final Thread loop;

    RequestWorker(ZContext context, String brokerEndpoint, String proxyEndpoint,
                  Function<Consumer<Publication>, RequestHandling.Handler> services, Stamper stamper, String node) {
        this.loop = RoleThreads.start("server", node, "requests", () -> {
            ZMQ.Socket publisher = Sockets.create(context, SocketType.PUB);
            publisher.connect(proxyEndpoint);
            ZMQ.Socket requests = Sockets.create(context, SocketType.DEALER);
            requests.connect(brokerEndpoint);
            log.info("serving client requests from {}, publishing to {}", brokerEndpoint, proxyEndpoint);
            // The services get the publisher through a callback, so the socket stays on this thread.
            RequestHandling.Handler handler = services.apply(publication -> {
                publisher.sendMore(publication.topic());
                publisher.send(publication.payload().encode(), 0);
            });
            try {
                ServingLoop.run(context, requests, () -> running,
                        frame -> RequestHandling.reply(frame, stamper, handler, log).encode());
            } finally {
                publisher.close();
            }
        });
    }

    @Override
    public void close() {
        running = false;
        RoleThreads.join(loop);
    }
}
