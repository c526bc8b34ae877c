package org.bulletinboard.net;

import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A socket's connections to endpoints given by name, kept following the names (see {@link Endpoints}): the endpoint
 * may be a comma-separated list, and each name may resolve to several addresses (a headless Service), so a socket
 * that fans out (a PUB to every proxy) reaches each of them. Connected once a name resolves, retried with back-off
 * (100 ms doubling to 5 s) while none does, and moved when a name comes to resolve to other addresses (a restarted
 * pod). A name that stops resolving keeps the connections it has. Each state change is logged once. Used by the
 * thread that owns the socket, which calls {@link #maintain} on each pass of its loop or before each use; that is
 * cheap unless a look-up is due.
 */
public final class NamedConnection {
    static final long FIRST_RETRY_NANOS = 100_000_000L;
    static final long MAX_RETRY_NANOS = 5_000_000_000L;
    /** How often a connected name is looked up again; a moved peer is followed within about this. */
    static final long RECHECK_NANOS = 1_000_000_000L;

    private final ZMQ.Socket socket;
    private final String endpoint;
    private final List<String> endpoints;
    private final String what;
    private final StateLog states;
    private final boolean followsNames;
    /** By endpoint of the list: the addresses its socket is connected to. */
    private final Map<String, Set<String>> connected = new LinkedHashMap<>();
    private long nextLookup;
    private long retryNanos = FIRST_RETRY_NANOS;
    private long moves;

    /** @param what names the peer in log lines, e.g. "proxy" or "peer server-2" */
    public NamedConnection(ZMQ.Socket socket, String endpoint, String what, Logger log) {
        this.socket = socket;
        this.endpoint = endpoint;
        this.endpoints = Endpoints.list(endpoint);
        this.what = what;
        this.states = new StateLog(log);
        this.followsNames = endpoints.stream().anyMatch(Endpoints::namesAHost);
        this.nextLookup = System.nanoTime();
    }

    /** Connects, reconnects or retries as due; returns whether the socket is connected now (to one at least). */
    public boolean maintain() {
        long now = System.nanoTime();
        if (now - nextLookup < 0 || (connected() && !followsNames && connected.size() == endpoints.size())) {
            return connected();
        }
        boolean unresolved = false;
        for (String named : endpoints) {
            try {
                follow(named, Set.copyOf(Endpoints.resolveAll(named)));
            } catch (UnknownHostException e) {
                unresolved |= !connected.containsKey(named); // a blip in DNS for a connected name: keep what we have
            } catch (ZMQException e) {
                states.enter("failed", true, "{}: cannot connect to {} ({}); retrying", what, named, e.getMessage());
                unresolved = true;
            }
        }
        if (unresolved) {
            if (!connected()) {
                states.enter("unresolved", true, "{} at {} does not resolve yet; retrying every {} ms at most",
                        what, endpoint, MAX_RETRY_NANOS / 1_000_000);
            }
            nextLookup = now + retryNanos;
            retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
        } else {
            nextLookup = now + RECHECK_NANOS;
            retryNanos = FIRST_RETRY_NANOS;
        }
        return connected();
    }

    /** Connects the socket to {@code addresses} of {@code named}, and away from those it had that are gone. */
    private void follow(String named, Set<String> addresses) {
        Set<String> before = connected.getOrDefault(named, Set.of());
        if (before.equals(addresses)) {
            return;
        }
        for (String address : addresses) {
            if (!before.contains(address)) {
                socket.connect(address);
            }
        }
        for (String address : before) {
            if (!addresses.contains(address)) {
                socket.disconnect(address);
                moves++;
            }
        }
        connected.put(named, addresses);
        String list = String.join(", ", new TreeSet<>(addresses));
        states.enter("connected " + connected.values(), false, before.isEmpty() ? "{} at {}: connected to {}"
                : "{} at {} moved: reconnected to {}", what, named, list);
    }

    public boolean connected() {
        return !connected.isEmpty();
    }

    /** How many times a name came to resolve elsewhere and a connection moved. */
    public long moves() {
        return moves;
    }
}
