package org.bulletinboard.net;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A worker's links to every broker, all active (the ZeroMQ guide's Freelance pattern, from the workers' side): one
 * {@link BrokerLink} per broker address. The brokers are given as a comma-separated list of endpoints, and each name
 * may resolve to several brokers (a headless Service); names are looked up again every second, a broker that appears
 * gets a link, and a link to an address no name gives any more is closed once it falls silent. A request is answered
 * by the link it came by. Owned by one thread, like the links.
 */
public final class BrokerLinks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLinks.class);
    private static final long RESOLVE_NANOS = 1_000_000_000L;

    private final ZContext context;
    private final String endpoints;
    private final Duration heartbeatInterval;
    private final int capacity;
    private final Map<String, BrokerLink> links = new LinkedHashMap<>(); // by broker address
    private final List<BrokerLink> inTurn = new ArrayList<>(); // the links, for reading them in turn
    private final StateLog states = new StateLog(log);
    private long nextResolve;
    /** Links opened and closed, plus the socket generations of those closed: see {@link #generation()}. */
    private long changes;
    private int nextToRead;

    /** @param capacity requests each broker may hand this worker at once, or {@link BrokerLink#CLASSIC} */
    public BrokerLinks(ZContext context, String endpoints, Duration heartbeatInterval, int capacity) {
        this.context = context;
        this.endpoints = endpoints;
        this.heartbeatInterval = heartbeatInterval;
        this.capacity = capacity;
        follow(System.nanoTime());
    }

    /** Opens a link to each broker the names give now; closes silent ones to brokers they no longer give. */
    private void follow(long now) {
        nextResolve = now + RESOLVE_NANOS;
        Set<String> addresses = new LinkedHashSet<>();
        boolean unresolved = false;
        for (String endpoint : Endpoints.list(endpoints)) {
            try {
                addresses.addAll(Endpoints.resolveAll(endpoint));
            } catch (UnknownHostException e) {
                unresolved = true;
            }
        }
        if (unresolved && links.isEmpty()) {
            states.enter("unresolved", true, "brokers at {} do not resolve yet; looking again every second", endpoints);
        }
        for (String address : addresses) {
            if (!links.containsKey(address)) {
                links.put(address, new BrokerLink(context, address, heartbeatInterval, capacity));
                changes++;
            }
        }
        // A name that does not resolve now keeps the links it had.
        removeGone(unresolved ? Set.copyOf(links.keySet()) : addresses);
    }

    private void removeGone(Set<String> addresses) {
        links.entrySet().removeIf(entry -> {
            if (addresses.contains(entry.getKey()) || entry.getValue().connected()) {
                return false;
            }
            log.info("broker at {} is gone from {}; its link closes", entry.getKey(), endpoints);
            entry.getValue().close();
            // Its socket generations stay counted: the sum in generation() then only ever grows.
            changes += 1 + entry.getValue().generation();
            return true;
        });
        inTurn.clear();
        inTurn.addAll(links.values());
    }

    /** Connects, heartbeats and reconnects every link as due, and follows the names every second. */
    public void maintain(long now) {
        if (now - nextResolve >= 0) {
            follow(now);
        }
        links.values().forEach(link -> link.maintain(now));
    }

    /** How long the owner may wait before {@link #maintain} has something to do. */
    public long millisUntilDue(long now) {
        long due = Math.max(1, (nextResolve - now) / 1_000_000 + 1);
        for (BrokerLink link : links.values()) {
            due = Math.min(due, link.millisUntilDue(now));
        }
        return due;
    }

    /**
     * Grows whenever a link opens, closes or makes a new socket: the owner polls {@link #sockets()} anew then. (A
     * closed link's generations move into {@code changes}, so closing one never leaves the sum where it was.)
     */
    public long generation() {
        long generation = changes;
        for (BrokerLink link : links.values()) {
            generation += link.generation();
        }
        return generation;
    }

    public List<ZMQ.Socket> sockets() {
        List<ZMQ.Socket> sockets = new ArrayList<>();
        links.values().forEach(link -> sockets.add(link.socket()));
        return sockets;
    }

    /** Whether any broker hears this worker. */
    public boolean connected() {
        return links.values().stream().anyMatch(BrokerLink::connected);
    }

    /** The next request waiting on any link, without blocking, the links taken in turn; null if none. */
    public BrokerLink.Request receive() {
        int count = inTurn.size();
        for (int i = 0; i < count; i++) {
            BrokerLink.Request request = inTurn.get((nextToRead + i) % count).receive();
            if (request != null) {
                nextToRead = (nextToRead + i + 1) % count;
                return request;
            }
        }
        return null;
    }

    /** Answers a request by the link it came by (dropped if that link has closed since: its broker is gone). */
    public void reply(BrokerLink.Request request, byte[] reply) {
        if (links.containsValue(request.from())) {
            request.from().reply(request, reply);
        }
    }

    /** Says goodbye to every broker, so each hands what it still holds to other workers at once. */
    public void leave() {
        links.values().forEach(BrokerLink::leave);
    }

    @Override
    public void close() {
        links.values().forEach(BrokerLink::close);
        links.clear();
        inTurn.clear();
    }
}
