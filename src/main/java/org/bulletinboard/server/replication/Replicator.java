package org.bulletinboard.server.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Pushes this server's new events to every live peer and tracks their acknowledgements, on the thread of the loop
 * that owns it (one DEALER per peer, which that loop polls with its other sockets): no queue and no thread of its
 * own. Events given with {@link #replicate} go out at the next {@link #flush} as one batch per peer (one frame,
 * and one fsync on the peer). An event stays in a peer's backlog until that peer acknowledges it (resent every
 * {@code resendInterval}) or drops out of the live list. A write is done when the peers its {@link AckRule} asks
 * for have acknowledged it, when they leave, or after {@code ackTimeout} at most (then it is answered anyway and
 * the resends, or the peer's catch-up, bring it there). A peer's address is a name followed by a
 * {@link NamedConnection}: while the name does not resolve, the peer gets no events and no write waits for it
 * (catch-up brings it what it missed), and when the name moves to another address (a restarted pod) the link
 * follows and the backlog is sent again at once.
 */
public final class Replicator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);

    /** Whose acknowledgements a write waits for before it is answered. */
    public enum AckRule {
        /** Every reachable peer: a client that reads from any server next sees its write. */
        ALL,
        /** Enough peers that, with this server, a majority of the live servers hold it durably. */
        MAJORITY
    }

    /** An event sent to a peer and not acknowledged yet, with when it was last sent. */
    private record Pending(Event event, long sentNanos) {}

    /** The link to one peer: its socket, its connection, and what it has not acknowledged, least recently sent first. */
    private static final class Link {
        final Peer peer;
        final ZMQ.Socket socket;
        final NamedConnection connection;
        final LinkedHashMap<String, Pending> unacked = new LinkedHashMap<>();

        Link(Peer peer, ZMQ.Socket socket) {
            this.peer = peer;
            this.socket = socket;
            this.connection = new NamedConnection(socket, peer.address(), "peer " + peer.name(), log);
        }
    }

    /** A local write waiting for acknowledgements: from whom they may come, how many it needs, and whom to tell. */
    private static final class Waiting {
        final Set<String> peers;
        final int needed;
        final Runnable done;
        final long sentNanos;
        int acks;

        Waiting(Set<String> peers, int needed, Runnable done, long sentNanos) {
            this.peers = peers;
            this.needed = needed;
            this.done = done;
            this.sentNanos = sentNanos;
        }

        boolean satisfied() {
            return acks >= needed || peers.isEmpty();
        }
    }

    private final ZContext context;
    private final String self;
    private final Stamper stamper;
    private final long resendNanos;
    private final long ackTimeoutNanos;
    private final AckRule rule;
    private final LongConsumer ackNanos;
    private final AtomicReference<List<Peer>> newPeers = new AtomicReference<>();
    private final Map<String, Link> links = new HashMap<>();
    /** By event id, oldest first: the head is the first to time out. */
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();
    private final List<Event> batch = new ArrayList<>();
    private final List<Runnable> batchDone = new ArrayList<>();
    private long generation;
    private volatile int linkCount;
    private volatile int unackedEvents;

    /** @param ackNanos told, for every write, how long the peers it waited for took to acknowledge it */
    public Replicator(ZContext context, String self, Stamper stamper, Duration resendInterval, Duration ackTimeout,
                      AckRule rule, LongConsumer ackNanos) {
        this.context = context;
        this.self = self;
        this.stamper = stamper;
        this.resendNanos = resendInterval.toNanos();
        this.ackTimeoutNanos = ackTimeout.toNanos();
        this.rule = rule;
        this.ackNanos = ackNanos;
    }

    /** Replaces the set of peers with the reference server's latest list; from any thread, applied at the next {@link #maintain}. */
    public void updatePeers(List<Peer> peers) {
        newPeers.set(List.copyOf(peers));
    }

    /** Events sent to peers and not acknowledged yet, over all peers. */
    public int unackedEvents() {
        return unackedEvents;
    }

    /** How many peers this server currently replicates to (their names resolve and they are connected). */
    public int peerCount() {
        return linkCount;
    }

    /** Changes whenever the peer sockets do, so the owner knows to poll the new set. */
    public long generation() {
        return generation;
    }

    /** The peer sockets, for the owner's poller: acknowledgements arrive on them. */
    public List<ZMQ.Socket> sockets() {
        return links.values().stream().map(link -> link.socket).toList();
    }

    /** Whether writes wait for acknowledgements (the owner polls briefly enough to time them out). */
    public boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    /**
     * Whether {@link #maintain} has nothing to do until the peer list changes: no write waiting, nothing
     * unacknowledged to resend, every link connected.
     */
    public boolean settled() {
        return waiting.isEmpty() && unackedEvents == 0 && linkCount == links.size();
    }

    /** Queues a durable event for the next {@link #flush}; {@code done} runs once its acknowledgements are in. */
    public void replicate(Event event, Runnable done) {
        batch.add(event);
        batchDone.add(done);
    }

    /** Sends what {@link #replicate} queued as one batch per reachable peer; with no peer to wait for, it is done now. */
    public void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<Link> reachable = links.values().stream().filter(link -> link.connection.connected()).toList();
        int needed = rule == AckRule.ALL ? reachable.size() : Math.min(reachable.size(), (links.size() + 1) / 2);
        Set<String> names = new HashSet<>();
        reachable.forEach(link -> names.add(link.peer.name()));
        long now = System.nanoTime();
        List<Runnable> doneNow = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Event event = batch.get(i);
            for (Link link : reachable) {
                link.unacked.put(event.id(), new Pending(event, now));
            }
            if (needed == 0) {
                doneNow.add(batchDone.get(i));
            } else {
                waiting.put(event.id(), new Waiting(new HashSet<>(names), needed, batchDone.get(i), now));
            }
        }
        for (Link link : reachable) {
            sendInBatches(link, batch);
        }
        batch.clear();
        batchDone.clear();
        doneNow.forEach(Runnable::run);
    }

    /**
     * Applies a new peer list, connects links whose names resolve now and follows those whose names moved, resends
     * what is overdue, and ends the waits that have lasted the acknowledgement timeout.
     */
    public void maintain() {
        List<Peer> peers = newPeers.getAndSet(null);
        if (peers != null) {
            reconcile(peers);
        }
        maintainLinks();
        long now = System.nanoTime();
        resendOverdue(now);
        expireWaits(now);
        int unacked = 0;
        for (Link link : links.values()) {
            unacked += link.unacked.size();
        }
        unackedEvents = unacked;
    }

    /** The backlog goes again at once to a peer whose name moved, since what was sent to the old address is lost. */
    private void maintainLinks() {
        int connected = 0;
        for (Link link : links.values()) {
            long moves = link.connection.moves();
            if (link.connection.maintain()) {
                connected++;
            }
            if (link.connection.moves() != moves && !link.unacked.isEmpty()) {
                resend(link, link.unacked.values().stream().map(Pending::event).toList(), System.nanoTime());
            }
        }
        linkCount = connected;
    }

    private void reconcile(List<Peer> peers) {
        Map<String, Peer> wanted = new HashMap<>();
        peers.stream().filter(p -> !p.name().equals(self) && p.address() != null).forEach(p -> wanted.put(p.name(), p));
        List<String> departed = new ArrayList<>();
        for (Iterator<Link> it = links.values().iterator(); it.hasNext(); ) {
            Link link = it.next();
            Peer now = wanted.get(link.peer.name());
            if (now == null || !now.address().equals(link.peer.address())) {
                log.info("peer {} left the live list; dropping {} unacknowledged events for it",
                        link.peer.name(), link.unacked.size());
                link.socket.close();
                it.remove();
                departed.add(link.peer.name());
                generation++;
            }
        }
        linkCount = (int) links.values().stream().filter(link -> link.connection.connected()).count();
        departed.forEach(this::forgetPeer); // after the count, so whoever the released writes wake sees it
        for (Peer peer : wanted.values()) {
            if (!links.containsKey(peer.name())) {
                ZMQ.Socket socket = Sockets.create(context, SocketType.DEALER, ReplicationMessages.MAX_PEER_FRAME_BYTES);
                links.put(peer.name(), new Link(peer, socket));
                generation++;
                log.info("replicating to peer {} (rank {}) at {}", peer.name(), peer.rank(), peer.address());
            }
        }
    }

    private void forgetPeer(String name) {
        List<Runnable> released = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.peers.remove(name) && w.satisfied()) {
                released.add(w.done);
                it.remove();
            }
        }
        released.forEach(Runnable::run);
    }

    /** Reads every acknowledgement waiting on the peer sockets, and ends the writes they complete. */
    public void receiveAcks() {
        for (Link link : links.values()) {
            ZMsg reply;
            while ((reply = ZMsg.recvMsg(link.socket, ZMQ.DONTWAIT)) != null) {
                byte[] payload = reply.getLast().getData();
                reply.destroy();
                try {
                    Envelope envelope = Envelope.decode(payload);
                    stamper.observe(envelope);
                    for (String id : ReplicationMessages.ackedIds(envelope.data())) {
                        acknowledge(link, id);
                    }
                } catch (ProtocolException e) {
                    log.warn("unreadable replication reply from {}: {}", link.peer.name(), e.getMessage());
                }
            }
        }
    }

    private void acknowledge(Link link, String id) {
        if (link.unacked.remove(id) == null) {
            return;
        }
        Waiting w = waiting.get(id);
        if (w != null && w.peers.remove(link.peer.name())) {
            w.acks++;
            if (w.satisfied()) {
                waiting.remove(id);
                ackNanos.accept(System.nanoTime() - w.sentNanos);
                w.done.run();
            }
        }
    }

    private void expireWaits(long now) {
        List<Runnable> expired = new ArrayList<>();
        for (Iterator<Map.Entry<String, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Waiting> entry = it.next();
            if (now - entry.getValue().sentNanos < ackTimeoutNanos) {
                break; // the rest were sent later
            }
            log.warn("event {} not acknowledged by {} within {} ms; answered anyway, it will be resent",
                    entry.getKey(), entry.getValue().peers, ackTimeoutNanos / 1_000_000);
            expired.add(entry.getValue().done);
            it.remove();
        }
        expired.forEach(Runnable::run);
    }

    /** Sends again what a peer has not acknowledged within the resend interval, oldest first, in batches. */
    private void resendOverdue(long now) {
        for (Link link : links.values()) {
            List<Event> overdue = new ArrayList<>();
            for (Iterator<Pending> it = link.unacked.values().iterator(); it.hasNext(); ) {
                Pending pending = it.next();
                if (now - pending.sentNanos() < resendNanos) {
                    break; // the rest were sent more recently
                }
                overdue.add(pending.event());
                it.remove();
            }
            if (overdue.isEmpty()) {
                continue;
            }
            log.debug("resending {} unacknowledged events to {}", overdue.size(), link.peer.name());
            resend(link, overdue, now);
        }
    }

    /** Sends unacknowledged events to a peer again, and records that they went now. */
    private void resend(Link link, List<Event> events, long now) {
        events.forEach(event -> link.unacked.put(event.id(), new Pending(event, now)));
        sendInBatches(link, events);
    }

    private void sendInBatches(Link link, List<Event> events) {
        for (int from = 0; from < events.size(); from += ReplicationMessages.MAX_BATCH) {
            send(link, events.subList(from, Math.min(events.size(), from + ReplicationMessages.MAX_BATCH)));
        }
    }

    private void send(Link link, List<Event> events) {
        byte[] frame = stamper.envelope(Services.REPLICATE, ReplicationMessages.batch(self, events)).encode();
        // DONTWAIT: a peer whose queue is full gets the events on the next resend instead of blocking us.
        link.socket.send(frame, ZMQ.DONTWAIT);
    }

    /** Closes the peer sockets; writes still waiting are not told (the owner has stopped answering). */
    @Override
    public void close() {
        links.values().forEach(link -> link.socket.close());
        links.clear();
        waiting.clear();
    }
}
