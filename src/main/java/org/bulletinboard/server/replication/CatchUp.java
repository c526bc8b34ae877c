package org.bulletinboard.server.replication;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.bulletinboard.server.store.CheckpointPart;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * Anti-entropy: pulls from every configured peer the events this server lacks, page by page, by sending what it holds
 * (its version vector, and the events it holds above gaps); a round at start and then every {@code interval}. A peer
 * whose log no longer holds some of them (they are behind its latest checkpoint) hands over that checkpoint first,
 * part by part: its events are applied as they come, the rest is adopted once every part is in
 * ({@link BoardStore#adopt}). Events go to the log through {@code applier}, the thread that writes it. The server
 * is ready once a round has caught it up from a quorum of the configured servers (itself included), so it holds
 * every write acknowledged before it started: each was on a quorum, and two quorums meet. Rounds are tried again every {@link #RETRY} until then, for as long
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
    private final DurableApplier applier;
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

    /** Makes events from a peer durable here and applies them; returns how many were new. */
    @FunctionalInterface
    public interface DurableApplier {
        int apply(List<Event> events) throws IOException;
    }

    /**
     * @param peers   the other configured servers
     * @param applier writes what is pulled to the log (on the thread that writes it) and returns once it is on disk
     * @param onReady run, on this thread, each time the server may serve (caught up from a quorum)
     */
    public CatchUp(ZContext context, String self, List<Peer> peers, BoardStore store, DurableApplier applier,
                   Stamper stamper, Duration interval, Duration requestTimeout, Runnable onReady, String node) {
        this.self = self;
        this.peers = List.copyOf(peers);
        this.store = store;
        this.applier = applier;
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
     * come in (origin, seq) order, so what is asked for next advances with them; a checkpoint's parts are asked for
     * one after the other, and once it is adopted the next page is asked for with what this server holds then.
     */
    private boolean pullFrom(Peer peer, RoleLoop loop) {
        Map<String, Long> after = new HashMap<>(store.versionVector());
        Map<String, Set<Long>> holding = store.heldAboveGaps();
        CheckpointTaking taking = null;
        long adoptedAt = -1;
        int pulled = 0;
        CatchUpPage page;
        try {
            PeerClient client = clients.to(peer);
            do {
                loop.progress();
                page = ReplicationMessages.catchUpPage(client.call(Services.CATCH_UP, ReplicationMessages.catchUpRequest(
                        self, after, holding, taking == null ? -1 : taking.at(), taking == null ? 0 : taking.nextPart())));
                pulled += applier.apply(page.events());
                CheckpointPart part = page.checkpoint();
                if (part == null) {
                    for (Event event : page.events()) {
                        after.merge(event.origin(), event.seq(), Math::max);
                    }
                    continue;
                }
                if (part.part() == 0 && part.at() == adoptedAt) {
                    // What this server holds still does not show as covering it (more above gaps than a request
                    // names): taking it again would change nothing. The events after it come next round.
                    log.warn("{} offers again the checkpoint {} taken just now; stopping this round", peer.name(),
                            part.at());
                    return false;
                }
                taking = CheckpointTaking.with(taking, part);
                if (taking.complete()) {
                    store.adopt(taking.users(), taking.channels(), part.covers(), part.maxLamport());
                    log.info("took the checkpoint {} of {} ({} parts)", part.at(), peer.name(), part.parts());
                    after = new HashMap<>(store.versionVector());
                    holding = store.heldAboveGaps();
                    adoptedAt = part.at();
                    taking = null;
                }
            } while (page.more() && !wakeup.stopped());
        } catch (RequestTimeoutException e) {
            state(peer).enter("silent", true, "peer {} did not answer a catch-up request: {}", peer.name(), e.getMessage());
            return false;
        } catch (ProtocolException e) {
            log.warn("peer {} sent an unreadable catch-up answer: {}", peer.name(), e.getMessage());
            return false;
        } catch (IOException e) {
            log.error("could not persist what was caught up from {}", peer.name(), e);
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
