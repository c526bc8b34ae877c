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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.RoleLoop;
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
 * Pushes this server's new events to every live peer and tracks their acknowledgements. One thread owns a
 * DEALER socket per peer; other threads talk to it through a queue. The events queued when it wakes go out as
 * one batch per peer (one frame, and one fsync on the peer). An event stays in a peer's backlog until
 * that peer acknowledges it (resent every {@code resendInterval}) or drops out of the live list. A peer's
 * address is a name followed by a {@link NamedConnection}: while the name does not resolve, the peer gets no
 * events and no write waits for it (catch-up brings it what it missed), and when the name moves to another
 * address (a restarted pod) the link follows and the backlog is sent again at once.
 */
public final class Replicator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);

    private sealed interface Command permits Push, PeerList {}

    private record Push(Event event, CompletableFuture<Void> acked) implements Command {}

    private record PeerList(List<Peer> peers) implements Command {}

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

    /** A local write waiting for the peers that were live when it was made. */
    private record Waiting(Set<String> peers, CompletableFuture<Void> acked, long sentNanos) {}

    private final ZContext context;
    private final String self;
    private final Stamper stamper;
    private final long resendNanos;
    private final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    private final Map<String, Link> links = new HashMap<>();
    private final Map<String, Waiting> waiting = new HashMap<>();
    private final LongConsumer ackNanos;
    private volatile int linkCount;
    private volatile int unackedEvents;
    private final RoleLoop loop;

    /** @param ackNanos told, for every write, how long all its peers took to acknowledge it */
    public Replicator(ZContext context, String self, Stamper stamper, Duration resendInterval, LongConsumer ackNanos,
                      String node) {
        this.context = context;
        this.ackNanos = ackNanos;
        this.self = self;
        this.stamper = stamper;
        this.resendNanos = resendInterval.toNanos();
        this.loop = RoleLoop.start("server", node, "replicator", this::run);
    }

    /** Queues an event for every live peer; the future completes when all of them have acknowledged it. */
    public CompletableFuture<Void> replicate(Event event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        commands.add(new Push(event, acked));
        return acked;
    }

    /** Replaces the set of peers (this server excluded) with the reference server's latest list. */
    public void updatePeers(List<Peer> peers) {
        commands.add(new PeerList(List.copyOf(peers)));
    }

    /** Events sent to peers and not acknowledged yet, over all peers. */
    public int unackedEvents() {
        return unackedEvents;
    }

    /** How many peers this server currently replicates to (their names resolve and they are connected). */
    public int peerCount() {
        return linkCount;
    }

    private void run(RoleLoop loop) {
        try {
            while (loop.running()) {
                Command first = commands.poll(pollMillis(), TimeUnit.MILLISECONDS);
                maintainLinks();
                if (first != null) {
                    executeQueued(first);
                }
                receiveAcks();
                resendOverdue();
                unackedEvents = links.values().stream().mapToInt(link -> link.unacked.size()).sum();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            links.values().forEach(link -> link.socket.close());
            links.clear();
            waiting.values().forEach(w -> w.acked().cancel(false));
        }
    }

    /** Short waits while a client request waits on acknowledgements, so they are read promptly. */
    private long pollMillis() {
        return waiting.isEmpty() ? Sockets.POLL_MILLIS : 1;
    }

    /** Runs {@code first} and every command queued behind it, sending the pushes among them as one batch per peer. */
    private void executeQueued(Command first) {
        List<Push> batch = new ArrayList<>();
        for (Command command = first; command != null; command = commands.poll()) {
            if (command instanceof Push push) {
                batch.add(push);
            } else if (command instanceof PeerList list) {
                push(batch); // to the peers live when they were made
                batch.clear();
                reconcile(list.peers());
            }
        }
        push(batch);
    }

    private void push(List<Push> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (links.isEmpty()) {
            batch.forEach(push -> push.acked().complete(null));
            return;
        }
        List<Link> reachable = links.values().stream().filter(link -> link.connection.connected()).toList();
        if (reachable.isEmpty()) {
            batch.forEach(push -> push.acked().complete(null));
            return;
        }
        Set<String> names = reachable.stream().map(link -> link.peer.name()).collect(Collectors.toSet());
        long now = System.nanoTime();
        List<Event> events = new ArrayList<>(batch.size());
        for (Push push : batch) {
            Event event = push.event();
            events.add(event);
            waiting.put(event.id(), new Waiting(new HashSet<>(names), push.acked(), now));
            for (Link link : reachable) {
                link.unacked.put(event.id(), new Pending(event, now));
            }
        }
        for (Link link : reachable) {
            sendInBatches(link, events);
        }
    }

    /**
     * Connects links whose names resolve now, and follows those whose names moved: the backlog goes again at once,
     * since what was sent to the old address is lost.
     */
    private void maintainLinks() {
        int connected = 0;
        for (Link link : links.values()) {
            long moves = link.connection.moves();
            if (link.connection.maintain()) {
                connected++;
            }
            if (link.connection.moves() != moves && !link.unacked.isEmpty()) {
                List<Event> backlog = link.unacked.values().stream().map(Pending::event).toList();
                long now = System.nanoTime();
                backlog.forEach(event -> link.unacked.put(event.id(), new Pending(event, now)));
                sendInBatches(link, backlog);
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
            }
        }
        linkCount = (int) links.values().stream().filter(link -> link.connection.connected()).count();
        departed.forEach(this::forgetPeer); // after the count, so whoever the released writes wake sees it
        for (Peer peer : wanted.values()) {
            if (!links.containsKey(peer.name())) {
                ZMQ.Socket socket = Sockets.create(context, SocketType.DEALER, ReplicationMessages.MAX_PEER_FRAME_BYTES);
                links.put(peer.name(), new Link(peer, socket));
                log.info("replicating to peer {} (rank {}) at {}", peer.name(), peer.rank(), peer.address());
            }
        }
        maintainLinks();
    }

    private void forgetPeer(String name) {
        for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            w.peers().remove(name);
            if (w.peers().isEmpty()) {
                w.acked().complete(null);
                it.remove();
            }
        }
    }

    private void receiveAcks() {
        for (Link link : links.values()) {
            ZMsg reply;
            while ((reply = ZMsg.recvMsg(link.socket, ZMQ.DONTWAIT)) != null) {
                byte[] payload = reply.getLast().getData();
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
        if (w != null && w.peers().remove(link.peer.name()) && w.peers().isEmpty()) {
            w.acked().complete(null);
            waiting.remove(id);
            ackNanos.accept(System.nanoTime() - w.sentNanos());
        }
    }

    /** Sends again what a peer has not acknowledged within the resend interval, oldest first, in batches. */
    private void resendOverdue() {
        long now = System.nanoTime();
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
            for (Event event : overdue) {
                link.unacked.put(event.id(), new Pending(event, now));
            }
            sendInBatches(link, overdue);
        }
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

    @Override
    public void close() {
        loop.close();
    }
}
