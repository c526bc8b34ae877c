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
 * or restarted). Runs on the calling thread, which owns the socket.
 */
public final class PirateWorker {
    private static final Logger log = LoggerFactory.getLogger(PirateWorker.class);

    private PirateWorker() {}

    /** Serves requests from the broker at {@code brokerEndpoint} until {@code running} turns false. */
    public static void serve(ZContext context, String brokerEndpoint, Duration heartbeatInterval,
                             BooleanSupplier running, Function<byte[], byte[]> serve) {
        long heartbeatNanos = heartbeatInterval.toNanos();
        long expiryNanos = heartbeatNanos * WorkerFrames.LIVENESS;
        ZMQ.Socket broker = connect(context, brokerEndpoint);
        long lastHeard = System.nanoTime();
        long nextHeartbeat = lastHeard + heartbeatNanos;
        try {
            while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                ZMsg message = ZMsg.recvMsg(broker, 0); // waits at most the socket's receive timeout
                long now = System.nanoTime();
                if (message != null) {
                    lastHeard = now;
                    handle(broker, message, serve);
                } else if (now - lastHeard > expiryNanos) {
                    log.warn("broker silent for {} ms; reconnecting", (now - lastHeard) / 1_000_000);
                    broker.close();
                    broker = connect(context, brokerEndpoint);
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

    private static ZMQ.Socket connect(ZContext context, String brokerEndpoint) {
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
}
