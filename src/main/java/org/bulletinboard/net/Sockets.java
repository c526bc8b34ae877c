package org.bulletinboard.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.bulletinboard.protocol.Fields;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

/**
 * Creates sockets with the settings every role wants (no linger at close, a bound on frame size), and gives each
 * role its ZeroMQ context.
 */
public final class Sockets {
    /**
     * How long a loop blocks while something is due soon (a connection to retry, a request to expire), and how long
     * a blocking receive waits before it looks at its stop flag again. An idle loop waits longer ({@link RoleLoop}).
     */
    public static final int POLL_MILLIS = 100;
    /**
     * Connections a bound socket's kernel queue holds before they are accepted. ZeroMQ's default, 100, is overrun
     * when hundreds of clients connect at once (all of them after a broker restart): a connection the queue drops
     * is tried again 1, 3, 7, 15 s after its first try. The kernel caps it at {@code net.core.somaxconn} (4096 by
     * default since Linux 5.4).
     */
    static final int LISTEN_BACKLOG = 4096;
    /** The process's one ZeroMQ context, with its one I/O thread; ended by {@link #endProcessContext} on the way out. */
    private static final ZContext PROCESS = new ZContext();
    /** Numbers each monitor's in-process address, unique in the process. */
    private static final AtomicLong MONITORS = new AtomicLong();

    private Sockets() {}

    /**
     * A context for one role: a shadow of the process's one context, so that every role in a process shares its
     * I/O thread. Where several roles run in one process (as {@code bbs cluster} runs them) a message between two
     * of them then wakes one I/O thread instead of two, which halved the CPU per write (BENCHMARKS.md). Closing it
     * closes the role's sockets only.
     */
    public static ZContext roleContext() {
        return ZContext.shadow(PROCESS);
    }

    /**
     * Ends the process's context once its roles have closed their sockets, for a process about to exit: its I/O
     * thread then closes every connection at once. Left running, the thread sits in a native wait, and the JVM's exit
     * waits 300 ms for such threads; connections a closed socket had not yet dropped by then stay open that long,
     * and clients that wait on them (a request in flight at a stopped broker) with them. Bounded, since a socket
     * left open would hold the context up.
     */
    public static void endProcessContext(Duration bound) {
        Thread ending = new Thread(PROCESS::close, "zmq-end");
        ending.setDaemon(true);
        ending.start();
        try {
            ending.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A PAIR socket that receives {@code socket}'s monitor events of the kinds in {@code events} ({@link ZMQ.Event#recv});
     * stop it with {@code socket.monitor(null, 0)} before closing both.
     */
    public static ZMQ.Socket monitor(ZContext context, ZMQ.Socket socket, int events) {
        String address = "inproc://monitor-" + MONITORS.incrementAndGet();
        socket.monitor(address, events);
        ZMQ.Socket monitor = create(context, SocketType.PAIR);
        monitor.connect(address);
        return monitor;
    }

    public static ZMQ.Socket create(ZContext context, SocketType type) {
        return create(context, type, Fields.MAX_FRAME_BYTES);
    }

    /** A socket whose peers may send frames up to {@code maxFrameBytes}; larger ones drop the connection. */
    public static ZMQ.Socket create(ZContext context, SocketType type, long maxFrameBytes) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        socket.setMaxMsgSize(maxFrameBytes);
        socket.setSndHWM(100_000);
        socket.setRcvHWM(100_000);
        return socket;
    }

    /**
     * Sends a message without blocking, frame after frame, and destroys it; returns false if the socket could not
     * take it now. Only the first frame can fail: the rest follow on the same pipe.
     */
    public static boolean sendWithoutWaiting(ZMQ.Socket socket, ZMsg message) {
        boolean sent = true;
        int left = message.size();
        try {
            for (ZFrame frame : message) {
                sent = socket.send(frame.getData(), (--left > 0 ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
                if (!sent) {
                    break;
                }
            }
        } finally {
            message.destroy();
        }
        return sent;
    }

    /**
     * Binds, with room for {@link #LISTEN_BACKLOG} connections waiting to be accepted, and fails loudly with the
     * endpoint in the message, since a port in use is the usual cause.
     */
    public static void bind(ZMQ.Socket socket, String endpoint) {
        socket.setBacklog(LISTEN_BACKLOG);
        try {
            socket.bind(endpoint);
        } catch (ZMQException e) {
            String reason = e.getErrorCode() == ZMQ.Error.EADDRINUSE.getCode()
                    ? "address already in use (is another bbs running?)"
                    : ZMQ.Error.findByCode(e.getErrorCode()).getMessage();
            throw new IllegalStateException("cannot bind " + endpoint + ": " + reason, e);
        }
    }
}
