package org.bulletinboard.server.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
 * Anti-entropy: pulls from every configured peer the events this server lacks, page by page, by sending its version
 * vector; a round at start and then every {@code interval}. The server is ready once a round has caught it up from
 * a quorum of the configured servers (itself included), so it holds every write acknowledged before it started:
 * each was on a quorum, and two quorums meet. Rounds are tried again every {@link #RETRY} until then, for as long
 * as it takes ({@link #progress} says how it goes). A server that stopped serving because it heard too few peers
 * ({@link #catchUpAgain}) goes through the same again. One thread, which keeps a connection to each peer between
 * rounds.
 */
public final class CatchUp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);
    /** How soon a round is tried again while no quorum has answered yet. */
    static final Duration RETRY = Duration.ofMillis(500);

    private final String self;
    private final List<Peer> peers;
    private final BoardStore store;
    private final Duration interval;
    private final int needed;
    private final Wakeup wakeup = new Wakeup();
    private final AtomicLong pulledSinceStart = new AtomicLong();
    private final Map<String, StateLog> peerStates = new HashMap<>(); // by peer name; the loop thread's own
    private final PeerClients clients; // the loop thread's own
    private final RoleLoop loop;
    private volatile String progress;
    /** Set when the server stopped serving and must catch up from a quorum before it serves again. */
    private volatile boolean behind;

    /**
     * @param peers   the other configured servers
     * @param onReady run, on this thread, each time the server may serve (caught up from a quorum)
     */
    public CatchUp(ZContext context, String self, List<Peer> peers, BoardStore store, Stamper stamper,
                   Duration interval, Duration requestTimeout, Runnable onReady, String node) {
        this.self = self;
        this.peers = List.copyOf(peers);
        this.store = store;
        this.interval = interval;
        this.needed = AckRule.QUORUM.peersNeeded(peers.size() + 1);
        this.progress = "catching up from " + needed + " of " + peers.size() + " peers";
        this.clients = new PeerClients(context, stamper, requestTimeout, wakeup::stopped);
        // A pass waits for the timer, then asks each peer for pages within the timeout.
        Duration stuckAfter = RoleLoop.DEFAULT_STUCK_AFTER.plus(interval)
                .plus(requestTimeout.multipliedBy(3L * Math.max(1, peers.size())));
        this.loop = RoleLoop.start("server", node, "catch-up", stuckAfter, loop -> run(onReady, loop));
    }

    /** The server stopped serving (it heard too few peers): it serves again once a round has caught it up. */
    public void catchUpAgain() {
        behind = true;
        wakeup.ring();
    }

    /** Where catching up stands, for {@code /readyz} while the server is not ready. */
    public String progress() {
        return progress;
    }

    private void run(Runnable onReady, RoleLoop loop) {
        try {
            while (catchUpFromQuorum(loop)) {
                onReady.run();
                while (!behind && loop.running() && wakeup.awaitRing(interval.toMillis())) {
                    if (!behind) {
                        round(loop);
                    }
                }
                if (!loop.running() || wakeup.stopped()) {
                    return;
                }
                progress = "caught up again: it heard too few peers for a quorum";
            }
        } finally {
            clients.close();
        }
    }

    /** Rounds until a quorum answered; false if stopped meanwhile. */
    private boolean catchUpFromQuorum(RoleLoop loop) {
        behind = false;
        int answered;
        while ((answered = round(loop)) < needed && !wakeup.stopped()) {
            progress = "catching up: " + answered + " of the " + needed + " peers needed answered; trying again";
            loop.progress();
            if (!wakeup.awaitRing(RETRY.toMillis())) {
                return false;
            }
        }
        return !wakeup.stopped();
    }

    /** Asks every peer for what this server lacks; returns how many answered every page. */
    private int round(RoleLoop loop) {
        int answered = 0;
        for (Peer peer : peers) {
            if (!wakeup.stopped() && pullFrom(peer, loop)) {
                answered++;
            }
        }
        return answered;
    }

    /**
     * Asks one peer for pages of what this server lacks until it has no more; whether it answered them all. Pages
     * from the peer's memory come in (origin, seq) order, so the vector sent advances with them; pages from a scan of
     * its log come in log order, so the vector stays and the cursor advances instead.
     */
    private boolean pullFrom(Peer peer, RoleLoop loop) {
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
            state(peer).enter("silent", true, "peer {} did not answer a catch-up request: {}", peer.name(), e.getMessage());
            return false;
        } catch (ProtocolException e) {
            log.warn("peer {} sent an unreadable catch-up answer: {}", peer.name(), e.getMessage());
            return false;
        } catch (IOException e) {
            log.error("could not persist events caught up from {}", peer.name(), e);
            return false;
        }
        state(peer).enter("answering", false, "peer {} answers catch-up requests", peer.name());
        if (pulled > 0) {
            log.info("caught up from {}: {} events", peer.name(), pulled);
            pulledSinceStart.addAndGet(pulled);
        }
        return true;
    }

    private StateLog state(Peer peer) {
        return peerStates.computeIfAbsent(peer.name(), name -> new StateLog(log));
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
