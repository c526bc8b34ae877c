package org.bulletinboard.net;

import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A socket's connection to an endpoint given by name, kept following the name (see {@link Endpoints}): connected
 * once the name resolves, retried with back-off (100 ms doubling to 5 s) while it does not, and moved when the
 * name comes to resolve to another address (a restarted pod). A name that stops resolving keeps the connection
 * it has. Each state change is logged once. Used by the thread that owns the socket, which calls
 * {@link #maintain} on each pass of its loop or before each use; that is cheap unless a look-up is due.
 */
public final class NamedConnection {
    static final long FIRST_RETRY_NANOS = 100_000_000L;
    static final long MAX_RETRY_NANOS = 5_000_000_000L;
    /** How often a connected name is looked up again; a moved peer is followed within about this. */
    static final long RECHECK_NANOS = 1_000_000_000L;

    private final ZMQ.Socket socket;
    private final String endpoint;
    private final String what;
    private final StateLog states;
    private final boolean followsName;
    private String connectedTo;
    private long nextLookup;
    private long retryNanos = FIRST_RETRY_NANOS;
    private long moves;

    /** @param what names the peer in log lines, e.g. "proxy" or "peer server-2" */
    public NamedConnection(ZMQ.Socket socket, String endpoint, String what, Logger log) {
        this.socket = socket;
        this.endpoint = endpoint;
        this.what = what;
        this.states = new StateLog(log);
        this.followsName = Endpoints.namesAHost(endpoint);
        this.nextLookup = System.nanoTime();
    }

    /** Connects, reconnects or retries as due; returns whether the socket is connected now. */
    public boolean maintain() {
        long now = System.nanoTime();
        if (now - nextLookup < 0 || (connectedTo != null && !followsName)) {
            return connectedTo != null;
        }
        String address;
        try {
            address = Endpoints.resolve(endpoint);
        } catch (UnknownHostException e) {
            if (connectedTo == null) {
                states.enter("unresolved", true, "{} at {} does not resolve yet; retrying every {} ms at most",
                        what, endpoint, MAX_RETRY_NANOS / 1_000_000);
                nextLookup = now + retryNanos;
                retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
            } else {
                nextLookup = now + RECHECK_NANOS; // a blip in DNS: keep what we have
            }
            return connectedTo != null;
        }
        nextLookup = now + RECHECK_NANOS;
        retryNanos = FIRST_RETRY_NANOS;
        if (address.equals(connectedTo)) {
            return true;
        }
        try {
            if (connectedTo != null) {
                socket.disconnect(connectedTo);
                moves++;
            }
            socket.connect(address);
        } catch (ZMQException e) {
            states.enter("failed", true, "{}: cannot connect to {} ({}); retrying", what, address, e.getMessage());
            connectedTo = null;
            return false;
        }
        states.enter("connected " + address, false, connectedTo == null ? "{} at {}: connected to {}"
                : "{} at {} moved: reconnected to {}", what, endpoint, address);
        connectedTo = address;
        return true;
    }

    public boolean connected() {
        return connectedTo != null;
    }

    /** How many times the name came to resolve elsewhere and the connection moved. */
    public long moves() {
        return moves;
    }
}
