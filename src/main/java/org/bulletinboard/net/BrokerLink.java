package org.bulletinboard.net;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.protocol.WorkerFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A worker's link to the broker (the ZeroMQ guide's Paranoid Pirate worker, see {@link WorkerFrames}): a DEALER
 * that announces READY, with its capacity if it takes many requests at once, heartbeats, and reconnects when the
 * broker has been silent too long (it died or restarted, or its name now resolves elsewhere); the broker's name is
 * looked up at each connection and retried while it does not resolve. A loop that polls other sockets too polls
 * {@link #socket()}, takes requests with {@link #receive()}, answers each with {@link #reply} whenever it is ready,
 * and calls {@link #maintain} on every pass; a loop with no other socket waits in {@link #await()} instead. A
 * reconnection makes a new socket ({@link #generation()} changes); replies to requests from the old one are
 * dropped by the broker, which handed those requests on. On leaving, the worker says DISCONNECT so the broker
 * hands on at once what it still holds.
 */
public final class BrokerLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLink.class);

    /**
     * A client request: its route (the tag and the client's envelope, to send back in front of the reply), its frame,
     * the id the broker gave it (null from a classic link), and whether the broker handed it on after a server
     * holding it was lost (which may have applied it), and the link it came by, which its reply goes back by.
     */
    public record Request(ZMsg route, byte[] frame, String brokerId, boolean handedOn, BrokerLink from) {}

    /** The capacity of a classic worker: one request at a time, announced without a capacity frame, untagged. */
    public static final int CLASSIC = 0;

    private final ZContext context;
    private final String endpoint;
    private final long heartbeatNanos;
    private final long expiryNanos;
    private final String capacity;
    private final StateLog states = new StateLog(log);
    private ZMQ.Socket socket;
    private NamedConnection connection;
    private long generation;
    private boolean announced;
    private long lastHeard;
    private long nextHeartbeat;
    private volatile boolean heard;
    private long droppedReplies;

    /** @param capacity requests the broker may hand this link at once, or {@link #CLASSIC} */
    public BrokerLink(ZContext context, String endpoint, Duration heartbeatInterval, int capacity) {
        this.context = context;
        this.endpoint = endpoint;
        this.heartbeatNanos = heartbeatInterval.toNanos();
        this.expiryNanos = heartbeatNanos * WorkerFrames.LIVENESS;
        this.capacity = capacity == CLASSIC ? null : Integer.toString(capacity);
        open(System.nanoTime());
    }

    private void open(long now) {
        socket = Sockets.create(context, SocketType.DEALER);
        socket.setReceiveTimeOut(Sockets.POLL_MILLIS); // bounds await(); receive() never waits
        connection = new NamedConnection(socket, endpoint, "broker", log);
        generation++;
        announced = false;
        lastHeard = now;
    }

    /** The socket to poll for input; another one after each {@link #generation()} change. */
    public ZMQ.Socket socket() {
        return socket;
    }

    public long generation() {
        return generation;
    }

    /** Whether the link hears the broker: from its first message after a (re)connection until it falls silent. */
    public boolean connected() {
        return heard;
    }

    /** Connects and announces, heartbeats, and reconnects after a silence, as due. */
    public void maintain(long now) {
        if (!announced && connection.maintain()) {
            send(WorkerFrames.READY);
            announced = true;
            lastHeard = now;
            nextHeartbeat = now + heartbeatNanos;
        }
        if (announced && now - lastHeard > expiryNanos) {
            heard = false;
            states.enter("silent", true, "broker at {} silent for {} ms; reconnecting", endpoint,
                    (now - lastHeard) / 1_000_000);
            socket.close();
            open(now);
            return;
        }
        if (announced && now - nextHeartbeat >= 0) {
            send(WorkerFrames.HEARTBEAT);
            nextHeartbeat = now + heartbeatNanos;
        }
    }

    /**
     * How long the owner may wait before {@link #maintain} has something to do: a heartbeat to send or a silence to
     * notice; while still connecting, {@link Sockets#POLL_MILLIS}.
     */
    public long millisUntilDue(long now) {
        if (!announced) {
            return Sockets.POLL_MILLIS;
        }
        long due = Math.min(nextHeartbeat - now, lastHeard + expiryNanos - now);
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(due) + 1);
    }

    private void send(String command) {
        if (capacity == null) {
            socket.send(command, ZMQ.DONTWAIT);
        } else {
            socket.sendMore(command);
            socket.send(capacity, ZMQ.DONTWAIT);
        }
    }

    /** The next request waiting, without blocking; null if none. Heartbeats are taken in passing. */
    public Request receive() {
        return next(ZMQ.DONTWAIT);
    }

    /** Like {@link #receive()}, but waits up to {@link Sockets#POLL_MILLIS} for a first message. */
    public Request await() {
        return next(0);
    }

    private Request next(int firstFlags) {
        int flags = firstFlags;
        ZMsg message;
        while ((message = ZMsg.recvMsg(socket, flags)) != null) {
            flags = ZMQ.DONTWAIT;
            lastHeard = System.nanoTime();
            heard = true;
            states.enter("hears", false, "hearing the broker at {}", endpoint);
            String command = message.popString();
            if (WorkerFrames.REQUEST.equals(command) && message.size() >= (capacity == null ? 2 : 4)) {
                ZFrame request = message.removeLast();
                String idFrame = null;
                if (capacity != null) {
                    ZFrame tag = message.pop();
                    idFrame = message.popString();
                    message.push(tag);
                }
                // What is left of the message: the tag and the client's envelope.
                return idFrame == null ? new Request(message, request.getData(), null, false, this)
                        : new Request(message, request.getData(), WorkerFrames.requestIdOf(idFrame),
                                WorkerFrames.isHandedOn(idFrame), this);
            }
            if (!WorkerFrames.HEARTBEAT.equals(command)) {
                log.warn("unexpected '{}' from the broker; ignored", command);
            }
            message.destroy();
        }
        return null;
    }

    /**
     * Sends the reply to a request taken with {@link #receive()}, behind its route, without blocking: a reply the
     * socket cannot take now is dropped. If the broker is gone, it hands the request on once it misses this link; if
     * not, the request waits for the client to retry, so a drop is logged (the first and every thousandth).
     */
    public void reply(Request request, byte[] reply) {
        ZMsg message = request.route();
        message.push(WorkerFrames.REPLY);
        message.add(reply);
        if (!Sockets.sendWithoutWaiting(socket, message) && droppedReplies++ % 1000 == 0) {
            log.warn("the link to the broker at {} cannot take a reply now; dropped it ({} so far)", endpoint,
                    droppedReplies);
        }
    }

    /** Says goodbye, so the broker hands what this link still holds to others at once. */
    public void leave() {
        if (announced) {
            socket.setLinger(200); // time for the goodbye to leave, not more
            socket.send(WorkerFrames.DISCONNECT, ZMQ.DONTWAIT);
        }
    }

    @Override
    public void close() {
        heard = false;
        socket.close();
    }
}
