package org.bulletinboard.net;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.bulletinboard.protocol.Fields;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A REQ client that never freezes on a dead peer (the ZeroMQ guide's Lazy Pirate): each try waits a bounded
 * time for the reply; on a timeout the REQ socket, stuck in its send/receive lock-step, is closed and a fresh
 * one sends the request again. The wait is sliced so that a stopping role is not held up by a request in flight.
 * Each fresh socket looks the peer's name up again ({@link Endpoints}), so a peer that moved is found at its new
 * address, and a name that does not resolve yet counts as a try that got no answer. Use it from one thread only.
 */
public final class LazyPirateClient implements AutoCloseable {
    private final ZContext context;
    private final String endpoint;
    private final int timeoutMillis;
    private final int attempts;
    private final BooleanSupplier stopping;
    private final long maxFrameBytes;
    private ZMQ.Socket socket;

    /** @param stopping checked while waiting; once true, the request is abandoned */
    public LazyPirateClient(ZContext context, String endpoint, Duration timeout, int attempts, BooleanSupplier stopping) {
        this(context, endpoint, timeout, attempts, stopping, Fields.MAX_FRAME_BYTES);
    }

    /** @param maxFrameBytes the largest reply accepted (larger ones drop the connection) */
    public LazyPirateClient(ZContext context, String endpoint, Duration timeout, int attempts, BooleanSupplier stopping,
                            long maxFrameBytes) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.context = context;
        this.endpoint = endpoint;
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        this.attempts = attempts;
        this.stopping = stopping;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Sends one request and returns its reply's last frame. */
    public byte[] request(byte[] payload) throws RequestTimeoutException {
        UnknownHostException unresolved = null;
        for (int attempt = 1; attempt <= attempts && !stopping.getAsBoolean(); attempt++) {
            ZMQ.Socket req;
            try {
                req = socket();
            } catch (UnknownHostException e) {
                unresolved = e;
                awaitReply(null); // as long as a try that got no answer
                continue;
            }
            if (!req.send(payload, 0)) {
                reset();
                continue;
            }
            byte[] reply = awaitReply(req);
            if (reply != null) {
                return reply;
            }
            reset();
        }
        if (stopping.getAsBoolean()) {
            throw new RequestTimeoutException("request to " + endpoint + " abandoned: stopping");
        }
        if (unresolved != null) {
            throw new RequestTimeoutException("no reply from " + endpoint + ": the name does not resolve ("
                    + unresolved.getMessage() + ")");
        }
        throw new RequestTimeoutException("no reply from " + endpoint + " after " + attempts
                + " attempts of " + timeoutMillis + " ms");
    }

    /** The reply's last frame, or null if none came within the timeout or we are stopping; with no socket, just waits. */
    private byte[] awaitReply(ZMQ.Socket req) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!stopping.getAsBoolean() && System.nanoTime() < deadline) {
            if (req == null) {
                if (!pause()) {
                    return null;
                }
                continue;
            }
            byte[] reply = req.recv(0); // returns null after the socket's receive timeout, one poll slice
            if (reply != null) {
                while (req.hasReceiveMore()) {
                    reply = req.recv(0);
                }
                return reply;
            }
        }
        return null;
    }

    public String endpoint() {
        return endpoint;
    }

    private ZMQ.Socket socket() throws UnknownHostException {
        if (socket == null) {
            String address = Endpoints.resolve(endpoint);
            socket = Sockets.create(context, SocketType.REQ, maxFrameBytes);
            socket.setReceiveTimeOut(Math.min(timeoutMillis, Sockets.POLL_MILLIS));
            socket.setSendTimeOut(timeoutMillis);
            socket.connect(address);
        }
        return socket;
    }

    /** Waits one slice of a try (so a stopping role is not held up); false if interrupted. */
    private boolean pause() {
        try {
            Thread.sleep(Math.min(timeoutMillis, Sockets.POLL_MILLIS));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void reset() {
        if (socket != null) {
            context.destroySocket(socket);
            socket = null;
        }
    }

    @Override
    public void close() {
        reset();
    }
}
