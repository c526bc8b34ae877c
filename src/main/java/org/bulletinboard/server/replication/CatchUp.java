package org.bulletinboard.server.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.StateLog;
import org.bulletinboard.net.Wakeup;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.CatchUpPage;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * Anti-entropy: pulls from every live peer the events this server lacks, page by page, by sending its version
 * vector. A round runs at start, whenever the live list changes (a peer joined or came back), and every
 * {@code interval}. The first round, or a bounded wait when no peer list or answer comes, makes the server
 * ready. One thread, which keeps a connection to each live peer between rounds.
 */
public final class CatchUp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final String self;
    private final BoardStore store;
    private final Duration interval;
    private List<Peer> peers; // guarded by this; null until the first list arrives
    private final Wakeup wakeup = new Wakeup();
    private final AtomicLong pulledSinceStart = new AtomicLong();
    private final Map<String, StateLog> peerStates = new HashMap<>(); // by peer name; the loop thread's own
    private final PeerClients clients; // the loop thread's own
    private final RoleLoop loop;

    /**
     * @param firstListWait how long to wait for the first live list before declaring ready anyway
     * @param onReady       run once, on this thread, after the first round
     */
    public CatchUp(ZContext context, String self, BoardStore store, Stamper stamper, Duration interval,
                   Duration requestTimeout, Duration firstListWait, Runnable onReady, String node) {
        this.self = self;
        this.store = store;
        this.interval = interval;
        this.clients = new PeerClients(context, stamper, requestTimeout, wakeup::stopped);
        // A pass waits for the timer (or the first list), then asks each peer for pages within the timeout.
        Duration stuckAfter = RoleLoop.DEFAULT_STUCK_AFTER.plus(interval.compareTo(firstListWait) > 0 ? interval : firstListWait)
                .plus(requestTimeout.multipliedBy(3));
        this.loop = RoleLoop.start("server", node, "catch-up", stuckAfter, loop -> run(firstListWait, onReady, loop));
    }

    /** The reference server's latest live list; a change in its membership starts a round at once. */
    public void updatePeers(List<Peer> list) {
        boolean changed;
        synchronized (this) {
            changed = peers == null || !names(peers).equals(names(list));
            peers = List.copyOf(list);
        }
        if (changed) {
            wakeup.ring();
        }
    }

    private synchronized List<Peer> peers() {
        return peers;
    }

    private static Set<String> names(List<Peer> list) {
        return list.stream().map(Peer::name).collect(Collectors.toSet());
    }

    private void run(Duration firstListWait, Runnable onReady, RoleLoop loop) {
        try {
            catchUp(firstListWait, onReady, loop);
        } finally {
            clients.close();
        }
    }

    private void catchUp(Duration firstListWait, Runnable onReady, RoleLoop loop) {
        if (!wakeup.awaitRing(firstListWait.toMillis())) {
            return;
        }
        List<Peer> first = peers();
        if (first == null) {
            log.warn("no live list within {} ms; ready without catching up (peers will be asked later)",
                    firstListWait.toMillis());
        } else {
            round(first, loop);
        }
        if (!wakeup.stopped()) {
            onReady.run();
        }
        while (loop.running() && wakeup.awaitRing(interval.toMillis())) {
            List<Peer> list = peers();
            if (list != null) {
                round(list, loop);
            }
        }
    }

    private void round(List<Peer> list, RoleLoop loop) {
        clients.keepOnly(list);
        for (Peer peer : list) {
            if (!wakeup.stopped() && !peer.name().equals(self) && peer.address() != null) {
                pullFrom(peer, loop);
            }
        }
    }

    /**
     * Asks one peer for pages of what this server lacks until it has no more. Pages from the peer's memory come
     * in (origin, seq) order, so the vector sent advances with them; pages from a scan of its log come in log
     * order, so the vector stays and the cursor advances instead.
     */
    private void pullFrom(Peer peer, RoleLoop loop) {
        Map<String, Long> after = new HashMap<>(store.versionVector());
        Long cursor = null;
        int pulled = 0;
        CatchUpPage page;
        try {
            PeerClient client = clients.to(peer);
            do {
                loop.progress();
                page = ReplicationMessages.catchUpPage(
                        client.call(Services.CATCH_UP, ReplicationMessages.catchUpRequest(self, after, cursor)));
                pulled += store.applyReplicated(page.events());
                cursor = page.cursor();
                if (cursor == null) {
                    for (Event event : page.events()) {
                        after.merge(event.origin(), event.seq(), Math::max);
                    }
                }
            } while (page.more() && !wakeup.stopped());
        } catch (RequestTimeoutException e) {
            peerStates.computeIfAbsent(peer.name(), name -> new StateLog(log))
                    .enter("silent", true, "peer {} did not answer a catch-up request: {}", peer.name(), e.getMessage());
            return;
        } catch (ProtocolException e) {
            log.warn("peer {} sent an unreadable catch-up answer: {}", peer.name(), e.getMessage());
            return;
        } catch (IOException e) {
            log.error("could not persist events caught up from {}", peer.name(), e);
            return;
        }
        peerStates.computeIfAbsent(peer.name(), name -> new StateLog(log))
                .enter("answering", false, "peer {} answers catch-up requests", peer.name());
        if (pulled > 0) {
            log.info("caught up from {}: {} events", peer.name(), pulled);
            pulledSinceStart.addAndGet(pulled);
        }
    }

    /** Events this server got by catching up, since it started. */
    public long eventsPulled() {
        return pulledSinceStart.get();
    }

    @Override
    public void close() {
        wakeup.stop();
        loop.close();
    }
}
