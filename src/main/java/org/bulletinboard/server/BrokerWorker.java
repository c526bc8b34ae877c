package org.bulletinboard.server;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.protocol.WorkerFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * One worker of a server (the ZeroMQ guide's Paranoid Pirate worker): a DEALER to the broker that announces
 * READY, serves one client request at a time, heartbeats while idle, and reconnects when the broker has been
 * silent too long (it died or restarted). It also owns a PUB socket for the publications its requests make.
 * A server runs several, so that requests waiting for disk or for peers overlap.
 */
final class BrokerWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerWorker.class);

    private final ZContext context;
    private final String brokerEndpoint;
    private final long heartbeatNanos;
    private volatile boolean running = true;
    private final Thread loop;

    BrokerWorker(ZContext context, String brokerEndpoint, String proxyEndpoint, Duration heartbeatInterval,
                 Function<Consumer<Publication>, RequestHandling.Handler> services, Stamper stamper,
                 String node, int number) {
        this.context = context;
        this.brokerEndpoint = brokerEndpoint;
        this.heartbeatNanos = heartbeatInterval.toNanos();
        this.loop = RoleThreads.start("server", node, "worker-" + number, () -> {
            ZMQ.Socket publisher = Sockets.create(context, SocketType.PUB);
            publisher.connect(proxyEndpoint);
            // The services get the publisher through a callback, so the socket stays on this thread.
            RequestHandling.Handler handler = services.apply(publication -> {
                publisher.sendMore(publication.topic());
                publisher.send(publication.payload().encode(), 0);
            });
            try {
                serve(frame -> RequestHandling.reply(frame, stamper, handler, log).encode());
            } finally {
                publisher.close();
            }
        });
    }

    private void serve(Function<byte[], byte[]> serve) {
        ZMQ.Socket broker = connect();
        long expiryNanos = heartbeatNanos * WorkerFrames.LIVENESS;
        long lastHeard = System.nanoTime();
        long nextHeartbeat = lastHeard + heartbeatNanos;
        try {
            while (running && !Thread.currentThread().isInterrupted()) {
                ZMsg message = ZMsg.recvMsg(broker, 0); // waits at most the socket's receive timeout
                long now = System.nanoTime();
                if (message != null) {
                    lastHeard = now;
                    handle(broker, message, serve);
                } else if (now - lastHeard > expiryNanos) {
                    log.warn("broker silent for {} ms; reconnecting", (now - lastHeard) / 1_000_000);
                    broker.close();
                    broker = connect();
                    lastHeard = now;
                }
                if (now - nextHeartbeat >= 0) {
                    broker.send(WorkerFrames.HEARTBEAT, ZMQ.DONTWAIT);
                    nextHeartbeat = now + heartbeatNanos;
                }
            }
        } finally {
            broker.close();
        }
    }

    private ZMQ.Socket connect() {
        ZMQ.Socket broker = Sockets.create(context, SocketType.DEALER);
        broker.setReceiveTimeOut(Sockets.POLL_MILLIS);
        broker.connect(brokerEndpoint);
        broker.send(WorkerFrames.READY, ZMQ.DONTWAIT);
        return broker;
    }

    private static void handle(ZMQ.Socket broker, ZMsg message, Function<byte[], byte[]> serve) {
        String command = message.popString();
        if (WorkerFrames.REQUEST.equals(command) && message.size() >= 1) {
            ServingLoop.answer(message, serve); // what precedes the request is the client's routing envelope
            message.push(WorkerFrames.REPLY);
            message.send(broker, true);
        } else if (!WorkerFrames.HEARTBEAT.equals(command)) {
            log.warn("unexpected '{}' from the broker; ignored", command);
            message.destroy();
        }
    }

    @Override
    public void close() {
        running = false;
        RoleThreads.join(loop);
    }
}
