package org.bulletinboard.net;

import java.util.function.Consumer;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Forwards whole multipart messages between two sockets in both directions (a steerable zmq_proxy), until its
 * loop is stopped. Runs on the loop's thread, which owns both sockets and closes them when it ends.
 */
public final class SocketRelay {
    private SocketRelay() {}

    /** @param forwarded told of each message moved, {@code true} for first to second, {@code false} for back */
    public static void run(ZMQ.Socket first, ZMQ.Socket second, RoleLoop loop,
                           Consumer<Boolean> forwarded) {
        try (LoopPoller poller = loop.newPoller()) {
            poller.register(first);
            poller.register(second);
            while (loop.running()) {
                loop.poll(poller, RoleLoop.IDLE_POLL_MILLIS);
                if (poller.pollin(0)) {
                    drain(first, second, () -> forwarded.accept(true));
                }
                if (poller.pollin(1)) {
                    drain(second, first, () -> forwarded.accept(false));
                }
            }
        } finally {
            first.close();
            second.close();
        }
    }

    /** Moves every message waiting on {@code from}; one that finds no peer ready on the other side is dropped. */
    private static void drain(ZMQ.Socket from, ZMQ.Socket to, Runnable forwarded) {
        ZMsg message;
        while ((message = ZMsg.recvMsg(from, ZMQ.DONTWAIT)) != null) {
            message.send(to, true);
            forwarded.run();
        }
    }
}
