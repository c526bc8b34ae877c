package org.bulletinboard.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.SocketRelay;
import org.bulletinboard.net.Sockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The publication proxy: servers' PUB sockets connect to the XSUB side, subscribers to the XPUB side.
 * Publications flow XSUB to XPUB; subscriptions flow back XPUB to XSUB so filtering happens at the publishers.
 */
public final class PubSubProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubSubProxy.class);

    public record Config(String publisherEndpoint, String subscriberEndpoint) {}

    private final ZContext context = Sockets.roleContext();
    private final RoleLoop loop;

    private PubSubProxy(Config config, MeterRegistry metrics) {
        Counter publications = Counter.builder("bbs.proxy.forwarded").description("messages forwarded")
                .tag("direction", "publications").register(metrics);
        Counter subscriptions = Counter.builder("bbs.proxy.forwarded").description("messages forwarded")
                .tag("direction", "subscriptions").register(metrics);
        ZMQ.Socket xsub = Sockets.create(context, SocketType.XSUB);
        ZMQ.Socket xpub = Sockets.create(context, SocketType.XPUB);
        Sockets.bind(xsub, config.publisherEndpoint());
        Sockets.bind(xpub, config.subscriberEndpoint());
        this.loop = RoleLoop.start("proxy", "proxy", "forward", loop -> {
            log.info("proxy: publishers on {}, subscribers on {}", config.publisherEndpoint(), config.subscriberEndpoint());
            SocketRelay.run(xsub, xpub, loop,
                    toSubscribers -> (toSubscribers ? publications : subscriptions).increment());
        });
    }

    public static PubSubProxy start(Config config, MeterRegistry metrics) {
        return new PubSubProxy(config, metrics);
    }

    @Override
    public void close() {
        loop.close();
        context.close();
        log.info("proxy stopped");
    }
}
