package org.bulletinboard.broker;

import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.SocketRelay;
import org.bulletinboard.net.Sockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The request broker: clients' REQ sockets connect to the ROUTER, servers connect to the DEALER, and whole
 * multipart messages (routing envelope included) are forwarded both ways by one thread that owns both sockets.
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    public record Config(String clientEndpoint, String serverEndpoint) {}

    private final ZContext context = new ZContext();
    private volatile boolean running = true;
    private final Thread loop;

    private Broker(Config config) {
        ZMQ.Socket frontend = Sockets.create(context, SocketType.ROUTER);
        ZMQ.Socket backend = Sockets.create(context, SocketType.DEALER);
        Sockets.bind(frontend, config.clientEndpoint());
        Sockets.bind(backend, config.serverEndpoint());
        this.loop = RoleThreads.start("broker", "broker", "forward", () -> {
            log.info("broker: clients on {}, servers on {}", config.clientEndpoint(), config.serverEndpoint());
            SocketRelay.run(context, frontend, backend, () -> running);
        });
    }

    public static Broker start(Config config) {
        return new Broker(config);
    }

    @Override
    public void close() {
        running = false;
        RoleThreads.join(loop);
        context.close();
        log.info("broker stopped");
    }
}
