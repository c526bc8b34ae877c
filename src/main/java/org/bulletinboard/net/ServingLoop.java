package org.bulletinboard.net;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Serves requests arriving on a ROUTER or DEALER socket: the last frame is the request, the frames before it
 * are the routing envelope, sent back unchanged in front of the reply. Owned by one thread; closes the socket.
 */
public final class ServingLoop {
    private static final Logger log = LoggerFactory.getLogger(ServingLoop.class);
    /** Requests answered before their replies go out: bounds what one slow batch delays. */
    static final int MAX_BATCH = 256;

    private ServingLoop() {}

    /**
     * Serves until {@code running} turns false. The requests waiting on the socket are answered together, up to
     * {@link #MAX_BATCH} at a time, and {@code beforeReplies} runs once before their replies are sent: a server
     * makes everything those requests wrote durable with one fsync there, then acknowledges them all. If it
     * fails, the batch gets no replies (its senders time out and try again). It waits in a blocking receive
     * rather than a poller: JeroMQ's poll wakes for every command on a socket that also sends, which cost more
     * CPU per request here (BENCHMARKS.md).
     */
    public static void run(ZMQ.Socket socket, BooleanSupplier running, Function<byte[], byte[]> serve,
                           Runnable beforeReplies) {
        List<ZMsg> batch = new ArrayList<>();
        socket.setReceiveTimeOut(Sockets.POLL_MILLIS);
        try {
            while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                ZMsg message = ZMsg.recvMsg(socket, 0); // waits at most the receive timeout
                while (message != null) {
                    answer(message, serve);
                    batch.add(message);
                    message = batch.size() < MAX_BATCH ? ZMsg.recvMsg(socket, ZMQ.DONTWAIT) : null;
                }
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    beforeReplies.run();
                    batch.forEach(reply -> reply.send(socket, true));
                } catch (RuntimeException e) {
                    log.error("{} replies withheld: {}", batch.size(), e.toString());
                    batch.forEach(ZMsg::destroy);
                }
                batch.clear();
            }
        } finally {
            socket.close();
        }
    }

    /** Replaces a request (the last frame) by its reply, keeping the routing envelope in front of it. */
    public static void answer(ZMsg message, Function<byte[], byte[]> serve) {
        ZFrame request = message.removeLast();
        message.add(serve.apply(request == null ? new byte[0] : request.getData()));
    }
}
