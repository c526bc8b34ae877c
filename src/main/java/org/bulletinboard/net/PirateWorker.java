package org.bulletinboard.net;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.bulletinboard.protocol.WorkerFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The ZeroMQ guide's Paranoid Pirate worker loop: a DEALER to the broker that announces READY, serves one
 * request at a time, heartbeats while idle, and reconnects when the broker has been silent too long (it died
 * or restarted, or its name now resolves elsewhere). The broker's name is looked up at each connection and
 * retried while it does not resolve. On leaving, the worker says DISCONNECT so the broker stops counting on it.
 * Runs on the calling thread, which owns the socket.
 */
public final class PirateWorker {
    private static final Logger log = LoggerFactory.getLogger(PirateWorker.class);

    /** Whether the worker hears the broker: true from its first message after a (re)connection until it falls silent. */
    public static final class Link {
        private volatile boolean heard;

        public boolean connected() {
            return heard;
        }
    }

    private PirateWorker() {}

    /** Serves requests from the broker at {@code brokerEndpoint} until {@code running} turns false. */
    public static void serve(ZContext context, String brokerEndpoint, Duration heartbeatInterval,
                             BooleanSupplier running, Link link, Function<byte[], byte[]> serve) {
        long heartbeatNanos = heartbeatInterval.toNanos();
        long expiryNanos = heartbeatNanos * WorkerFrames.LIVENESS;
        StateLog states = new StateLog(log);
        ZMQ.Socket broker = Sockets.create(context, SocketType.DEALER);
        NamedConnection connection = connection(broker, brokerEndpoint);
        boolean announced = false;
        long lastHeard = System.nanoTime();
        long nextHeartbeat = lastHeard + heartbeatNanos;
        try {
            while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                if (!announced && connection.maintain()) {
                    broker.send(WorkerFrames.READY, ZMQ.DONTWAIT);
                    announced = true;
                    lastHeard = System.nanoTime();
                }
                ZMsg message = ZMsg.recvMsg(broker, 0); // waits at most the socket's receive timeout
                long now = System.nanoTime();
                if (message != null) {
                    lastHeard = now;
                    link.heard = true;
                    states.enter("hears", false, "hearing the broker at {}", brokerEndpoint);
                    handle(broker, message, serve);
                } else if (announced && now - lastHeard > expiryNanos) {
                    link.heard = false;
                    states.enter("silent", true, "broker at {} silent for {} ms; reconnecting",
                            brokerEndpoint, (now - lastHeard) / 1_000_000);
                    broker.close();
                    broker = Sockets.create(context, SocketType.DEALER);
                    connection = connection(broker, brokerEndpoint);
                    announced = false;
                    lastHeard = now;
                }
                if (announced && now - nextHeartbeat >= 0) {
                    broker.send(WorkerFrames.HEARTBEAT, ZMQ.DONTWAIT);
                    nextHeartbeat = now + heartbeatNanos;
                }
            }
            if (announced) {
                broker.setLinger(200); // time for the goodbye to leave, not more
                broker.send(WorkerFrames.DISCONNECT, ZMQ.DONTWAIT);
            }
        } finally {
            link.heard = false;
            broker.close();
        }
    }

    private static NamedConnection connection(ZMQ.Socket broker, String brokerEndpoint) {
        broker.setReceiveTimeOut(Sockets.POLL_MILLIS);
        return new NamedConnection(broker, brokerEndpoint, "broker", log);
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
}
