package org.bulletinboard.net;

import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Serves requests arriving on a ROUTER or DEALER socket: the last frame is the request, the frames before it
 * are the routing envelope, sent back unchanged in front of the reply. Owned by one thread; closes the socket.
 */
public final class ServingLoop {
    private ServingLoop() {}

    public static void run(ZContext context, ZMQ.Socket socket, BooleanSupplier running, Function<byte[], byte[]> serve) {
        try (ZMQ.Poller poller = context.createPoller(1)) {
            poller.register(socket, ZMQ.Poller.POLLIN);
            while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                if (poller.poll(Sockets.POLL_MILLIS) <= 0) {
                    continue;
                }
                ZMsg message;
                while ((message = ZMsg.recvMsg(socket, ZMQ.DONTWAIT)) != null) {
                    answer(message, serve);
                    message.send(socket, true);
                }
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
