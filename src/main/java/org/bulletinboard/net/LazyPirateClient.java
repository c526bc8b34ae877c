package org.bulletinboard.net;

import java.time.Duration;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A REQ client that never freezes on a dead peer (the ZeroMQ guide's Lazy Pirate): each try waits a bounded
 * time for the reply; on a timeout the REQ socket, stuck in its send/receive lock-step, is closed and a fresh
 * one sends the request again. Use it from one thread only.
 */
public final class LazyPirateClient implements AutoCloseable {
    private final ZContext context;
    private final String endpoint;
    private final int timeoutMillis;
    private final int attempts;
    private ZMQ.Socket socket;

    public LazyPirateClient(ZContext context, String endpoint, Duration timeout, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.context = context;
        this.endpoint = endpoint;
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        this.attempts = attempts;
    }

    /** Sends one request and returns its reply's last frame. */
    public byte[] request(byte[] payload) throws RequestTimeoutException {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            ZMQ.Socket req = socket();
            if (!req.send(payload, 0)) {
                reset();
                continue;
            }
            byte[] reply = req.recv(0);
            if (reply != null) {
                while (req.hasReceiveMore()) {
                    reply = req.recv(0);
                }
                return reply;
            }
            reset();
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        throw new RequestTimeoutException("no reply from " + endpoint + " after " + attempts
                + " attempts of " + timeoutMillis + " ms");
    }

    public String endpoint() {
        return endpoint;
    }

    private ZMQ.Socket socket() {
        if (socket == null) {
            socket = Sockets.create(context, SocketType.REQ);
            socket.setReceiveTimeOut(timeoutMillis);
            socket.setSendTimeOut(timeoutMillis);
            socket.connect(endpoint);
        }
        return socket;
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
