package org.bulletinboard.server.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
 * Pushes this server's new events to every configured peer and tracks their acknowledgements, on the thread of the
 * loop that owns it (one DEALER per peer, which that loop polls with its other sockets). Events given with
 * {@link #replicate} go out at the next {@link #flush} as one batch per peer (one frame, and one fsync on the peer).
 * A write is acknowledged once the peers its {@link AckRule} asks for hold it durably, counted against the
 * configured servers whether they answer or not ({@link QuorumWaits}); one not acknowledged within the timeout is
 * given up, and its client told the outcome is unknown. Either way the event stays in each peer's backlog, resent
 * every {@code resendInterval}, until that peer acknowledges it; a backlog is bounded, and what falls out of it
 * reaches the peer by catch-up. A peer is reached by name through a {@link NamedConnection}: a name that does not
 * resolve yet is a peer that does not answer, and a name that moves (a restarted pod) is followed, the backlog sent
 * again at once.
 */
public final class Replicator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);
    /** Events kept for a peer that does not acknowledge: about a minute of writes at full rate. */
    static final int MAX_BACKLOG = 100_000;
    /** Events resent to one peer per resend interval, oldest first, so a long backlog is not resent whole at once. */
    static final int MAX_RESEND = 8 * ReplicationMessages.MAX_BATCH;

    /** An event sent to a peer and not acknowledged yet, with when it was last sent. */
    private record Pending(Event event, long sentNanos) {}

    /** The link to one peer: its socket, its connection, and what it has not acknowledged, least recently sent first. */
    private static final class Link {
        final Peer peer;
        final ZMQ.Socket socket;
        final NamedConnection connection;
        final LinkedHashMap<String, Pending> unacked = new LinkedHashMap<>();
        long dropped;
        /** When the peer last answered anything, and when anything was last sent to it (nanoTime; 0: never). */
        long lastHeard;
        long lastSent;

        Link(Peer peer, ZMQ.Socket socket) {
            this.peer = peer;
            this.socket = socket;
            this.connection = new NamedConnection(socket, peer.address(), "peer " + peer.name(), log);
        }
    }

    private final String self;
    private final Stamper stamper;
    private final long resendNanos;
    private final long pingNanos;
    private final LongConsumer ackNanos;
    private final List<Link> links = new ArrayList<>();
    private final QuorumWaits waits;
    private final Map<String, Consumer<Boolean>> done = new LinkedHashMap<>();
    private final List<Event> batch = new ArrayList<>();
    private final List<Consumer<Boolean>> batchDone = new ArrayList<>();
    /** Where each event of the batch is in it, by id. */
    private final Map<String, Integer> batchIndex = new HashMap<>();
    private volatile int linkCount;
    private volatile int unackedEvents;

    /**
     * @param peers        the other configured servers, whatever the reference server says is live
     * @param pingInterval how long a link may go without sending before an empty batch asks the peer to answer, so
     *                     that whether a quorum hears this server is known while no write goes out too
     * @param ackNanos     told, for every acknowledged write, how long its peers took
     */
    public Replicator(ZContext context, String self, List<Peer> peers, Stamper stamper, Duration resendInterval,
                      Duration ackTimeout, Duration pingInterval, AckRule rule, LongConsumer ackNanos) {
        this.self = self;
        this.stamper = stamper;
        this.resendNanos = resendInterval.toNanos();
        this.pingNanos = pingInterval.toNanos();
        this.ackNanos = ackNanos;
        this.waits = new QuorumWaits(rule.peersNeeded(peers.size() + 1), ackTimeout.toNanos());
        for (Peer peer : peers) {
            links.add(new Link(peer, Sockets.create(context, SocketType.DEALER, ReplicationMessages.MAX_PEER_FRAME_BYTES)));
            log.info("replicating to peer {} at {}", peer.name(), peer.address());
        }
    }

    /** Events sent to peers and not acknowledged yet, over all peers. */
    public int unackedEvents() {
        return unackedEvents;
    }

    /** How many peers this server is connected to now (their names resolve). */
    public int peerCount() {
        return linkCount;
    }

    /** The peer sockets, for the owner's poller: acknowledgements arrive on them. */
    public List<ZMQ.Socket> sockets() {
        return links.stream().map(link -> link.socket).toList();
    }

    /** How many peers a write needs to hear from. */
    public int peersNeeded() {
        return waits.needed();
    }

    /** How many peers answered anything within the last {@code nanos}. */
    public int peersHeardWithin(long nanos) {
        long now = System.nanoTime();
        int heard = 0;
        for (Link link : links) {
            if (link.lastHeard != 0 && now - link.lastHeard <= nanos) {
                heard++;
            }
        }
        return heard;
    }

    /** Whether writes wait for acknowledgements (the owner polls briefly enough to time them out). */
    public boolean hasWaiting() {
        return !waits.isEmpty();
    }

    /** Whether {@link #maintain} has nothing to do: no write waiting, nothing to resend, every peer connected. */
    public boolean settled() {
        return waits.isEmpty() && unackedEvents == 0 && linkCount == links.size();
    }

    /**
     * Queues a durable event for the next {@link #flush}; {@code outcome} is told {@code true} once the rule's peers
     * acknowledged it, or {@code false} once it waited the timeout.
     */
    public void replicate(Event event, Consumer<Boolean> outcome) {
        Integer earlier = batchIndex.putIfAbsent(event.id(), batch.size());
        if (earlier != null) { // a write and its retry in one pass: sent once, told together
            batchDone.set(earlier, both(batchDone.get(earlier), outcome));
            return;
        }
        batch.add(event);
        batchDone.add(outcome);
    }

    /** Sends what {@link #replicate} queued as one batch per peer; a write that needs no acknowledgement is done now. */
    public void flush() {
        if (batch.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Link link : links) {
            for (Event event : batch) {
                link.unacked.put(event.id(), new Pending(event, now));
            }
            trim(link);
            if (link.connection.connected()) {
                sendInBatches(link, batch);
            }
        }
        List<Consumer<Boolean>> doneNow = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            String id = batch.get(i).id();
            if (!waits.waits()) {
                doneNow.add(batchDone.get(i));
            } else if (done.containsKey(id)) {
                done.merge(id, batchDone.get(i), Replicator::both); // a retry of a write still waiting: told with it
            } else {
                waits.add(id, now);
                done.put(id, batchDone.get(i));
            }
        }
        batch.clear();
        batchDone.clear();
        batchIndex.clear();
        doneNow.forEach(outcome -> outcome.accept(true));
    }

    private static Consumer<Boolean> both(Consumer<Boolean> first, Consumer<Boolean> second) {
        return outcome -> {
            first.accept(outcome);
            second.accept(outcome);
        };
    }

    /** Drops the oldest events of a backlog past its bound: the peer gets them by catch-up. */
    private static void trim(Link link) {
        Iterator<String> oldest = link.unacked.keySet().iterator();
        while (link.unacked.size() > MAX_BACKLOG) {
            oldest.next();
            oldest.remove();
            if (link.dropped++ % 10_000 == 0) {
                log.warn("peer {} is {} events behind; the oldest leave its backlog, catch-up brings them ({} so far)",
                        link.peer.name(), MAX_BACKLOG, link.dropped);
            }
        }
    }

    /** Connects links whose names resolve now and follows those that moved, resends what is overdue, gives up late writes. */
    public void maintain() {
        long now = System.nanoTime();
        int connected = 0;
        int unacked = 0;
        for (Link link : links) {
            long moves = link.connection.moves();
            boolean wasConnected = link.connection.connected();
            if (link.connection.maintain()) {
                connected++;
            }
            // What went to an old address, or nowhere yet, goes again at once; the rest once it is overdue.
            boolean reached = (link.connection.moves() != moves || !wasConnected) && link.connection.connected();
            resend(link, oldest(link, reached, now - resendNanos), now);
            if (link.connection.connected() && now - link.lastSent >= pingNanos) {
                send(link, List.of()); // asks for an answer: the peer's empty acknowledgement
            }
            unacked += link.unacked.size();
        }
        linkCount = connected;
        unackedEvents = unacked;
        for (String id : waits.expire(now)) {
            log.warn("event {} not acknowledged by enough peers in time; its outcome is unknown to its client", id);
            done.remove(id).accept(false);
        }
    }

    /**
     * Up to {@link #MAX_RESEND} of a peer's unacknowledged events, oldest first: all of them, or those last sent
     * before {@code sentBefore}.
     */
    private static List<Event> oldest(Link link, boolean all, long sentBefore) {
        List<Event> overdue = new ArrayList<>();
        for (Pending pending : link.unacked.values()) {
            if (overdue.size() == MAX_RESEND || (!all && pending.sentNanos() - sentBefore > 0)) {
                break; // the rest were sent more recently
            }
            overdue.add(pending.event());
        }
        return overdue;
    }

    /** Reads every acknowledgement waiting on the peer sockets, and completes the writes they complete. */
    public void receiveAcks() {
        for (Link link : links) {
            ZMsg reply;
            while ((reply = ZMsg.recvMsg(link.socket, ZMQ.DONTWAIT)) != null) {
                byte[] payload = reply.getLast().getData();
                reply.destroy();
                try {
                    Envelope envelope = Envelope.decode(payload);
                    stamper.observe(envelope);
                    long now = System.nanoTime();
                    link.lastHeard = now;
                    for (String id : ReplicationMessages.ackedIds(envelope.data())) {
                        acknowledge(link, id, now);
                    }
                } catch (ProtocolException e) {
                    log.warn("unreadable replication reply from {}: {}", link.peer.name(), e.getMessage());
                }
            }
        }
    }

    private void acknowledge(Link link, String id, long now) {
        if (link.unacked.remove(id) == null) {
            return;
        }
        long waited = waits.acknowledge(id, link.peer.name(), now);
        if (waited >= 0) {
            ackNanos.accept(waited);
            done.remove(id).accept(true);
        }
    }

    /** Sends events to a peer (again), and records that they went now, at the back of its backlog. */
    private void resend(Link link, List<Event> events, long now) {
        if (events.isEmpty() || !link.connection.connected()) {
            return;
        }
        log.debug("resending {} unacknowledged events to {}", events.size(), link.peer.name());
        events.forEach(event -> {
            link.unacked.remove(event.id());
            link.unacked.put(event.id(), new Pending(event, now));
        });
        sendInBatches(link, events);
    }

    private void sendInBatches(Link link, List<Event> events) {
        for (int from = 0; from < events.size(); from += ReplicationMessages.MAX_BATCH) {
            send(link, events.subList(from, Math.min(events.size(), from + ReplicationMessages.MAX_BATCH)));
        }
    }

    private void send(Link link, List<Event> events) {
        link.lastSent = System.nanoTime();
        byte[] frame = stamper.envelope(Services.REPLICATE, ReplicationMessages.batch(self, events)).encode();
        // DONTWAIT: a peer whose queue is full gets the events on the next resend instead of blocking us.
        link.socket.send(frame, ZMQ.DONTWAIT);
    }

    /** Gives up every write still waiting: each is told its outcome is unknown (the owner's storage failed). */
    public void giveUpAll() {
        List<Consumer<Boolean>> waiting = new ArrayList<>(done.values());
        done.clear();
        waits.clear();
        waiting.forEach(outcome -> outcome.accept(false));
    }

    /** Closes the peer sockets; writes still waiting are not told (the owner has stopped answering). */
    @Override
    public void close() {
        links.forEach(link -> link.socket.close());
        links.clear();
        waits.clear();
        done.clear();
    }
}
