package org.bulletinboard.net;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>The endpoint may name several peers that serve alike (brokers): a comma-separated list, each name of which may
 * resolve to several addresses. Then a failed try goes on to the next of them (the guide's Freelance pattern, model
 * one), and a try ends at once, not at its timeout, when its connection drops (the peer died or left) or the peer
 * refuses a new one; a request goes to the next peer at once when its socket's peer dropped since the last one and
 * has not taken a connection again. So a client reaches a live broker within a poll slice of losing one. With one
 * peer a try always waits its timeout: ZeroMQ may tell of a drop of an earlier connection while the request is in
 * flight on a good one, which would cost a client with one try its answer.
 */
public final class LazyPirateClient implements AutoCloseable {
    private final ZContext context;
    private final String endpoint;
    private final List<String> endpoints;
    private final int timeoutMillis;
    private final int attempts;
    private final BooleanSupplier stopping;
    private final long maxFrameBytes;
    private ZMQ.Socket socket;
    /** Tells of the REQ socket's connection coming and going; only with several peers to go on to. */
    private ZMQ.Socket monitor;
    /** Whether the socket's peer dropped or refused a connection since it last took one. */
    private boolean down;
    /** Which of the addresses the endpoints give the next fresh socket goes to: advanced by each failed try. */
    private int next;
    private boolean severalPeers;

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
        this.endpoints = Endpoints.list(endpoint);
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
                if (readEvents()) {
                    // The peer dropped since the last request and has not taken a connection again: go on to the
                    // next now, rather than queue the request for a peer that may take long to come back.
                    next++;
                    reset();
                }
                req = socket();
            } catch (UnknownHostException e) {
                unresolved = e;
                awaitReply(null); // as long as a try that got no answer
                continue;
            }
            if (!req.send(payload, 0)) {
                failed();
                continue;
            }
            byte[] reply = awaitReply(req);
            if (reply != null) {
                return reply;
            }
            failed();
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
            if (readEvents()) {
                return null; // the connection dropped, or the peer refuses it: it will not answer this try
            }
        }
        return null;
    }

    public String endpoint() {
        return endpoint;
    }

    private ZMQ.Socket socket() throws UnknownHostException {
        if (socket == null) {
            String address = nextAddress();
            socket = Sockets.create(context, SocketType.REQ, maxFrameBytes);
            socket.setReceiveTimeOut(Math.min(timeoutMillis, Sockets.POLL_MILLIS));
            socket.setSendTimeOut(timeoutMillis);
            if (severalPeers) {
                monitor = Sockets.monitor(context, socket,
                        ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED | ZMQ.EVENT_CONNECT_RETRIED);
            }
            socket.connect(address);
        }
        return socket;
    }

    /** The address of the peer to try now, the addresses every endpoint resolves to taken in turn. */
    private String nextAddress() throws UnknownHostException {
        List<String> addresses = new ArrayList<>();
        UnknownHostException unresolved = null;
        for (String named : endpoints) {
            try {
                addresses.addAll(Endpoints.resolveAll(named));
            } catch (UnknownHostException e) {
                unresolved = e;
            }
        }
        if (addresses.isEmpty()) {
            throw unresolved != null ? unresolved : new UnknownHostException("no endpoint in '" + endpoint + "'");
        }
        severalPeers = addresses.size() > 1;
        return addresses.get(Math.floorMod(next, addresses.size()));
    }

    /**
     * Takes the monitor's news of the connection, in order; returns whether the peer is down now: its connection
     * dropped, or a connect was refused, and none was taken since.
     */
    private boolean readEvents() {
        ZMQ.Event event;
        while (monitor != null && (event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
            down = event.getEvent() != ZMQ.EVENT_CONNECTED;
        }
        return down;
    }

    /** A try got no answer: the next fresh socket goes to the next peer, if there are several. */
    private void failed() {
        next++;
        reset();
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
        down = false;
        if (monitor != null) {
            socket.monitor(null, 0);
            context.destroySocket(monitor);
            monitor = null;
        }
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
