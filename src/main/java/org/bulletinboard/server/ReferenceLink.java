package org.bulletinboard.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.StateLog;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * The server's conversation with the reference server: get a rank, then every heartbeat interval send a
 * heartbeat and hand the live list to replication. Our reference server puts the list in its heartbeat reply; from
 * one that does not, the list is fetched with {@code list}. A silent reference server is retried
 * (Lazy Pirate) without stopping the server; the next heartbeat re-registers it if the reference restarted. On
 * close the server says it is leaving, so its peers stop counting on it at once rather than after its heartbeats
 * stop.
 */
final class ReferenceLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReferenceLink.class);

    interface PeerListener {
        void onPeers(List<Peer> peers);
    }

    private final String name;
    private final String peerAddress;
    private final int claimedRank;
    private final Stamper stamper;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile int rank;
    private volatile long lastHeartbeatNanos;
    private final StateLog states = new StateLog(log);
    private final RoleLoop loop;

    /** @param claimedRank the rank this server claims (see {@code ConfiguredRanks}), 0 for one the reference picks */
    ReferenceLink(ZContext context, String referenceEndpoint, String name, String peerAddress, int claimedRank,
                  Duration heartbeatInterval, Stamper stamper, PeerListener listener) {
        this.name = name;
        this.peerAddress = peerAddress;
        this.claimedRank = claimedRank;
        this.stamper = stamper;
        Duration timeout = heartbeatInterval.compareTo(Duration.ofSeconds(2)) < 0 ? heartbeatInterval : Duration.ofSeconds(2);
        // A pass is an interval plus three requests of up to the timeout each.
        Duration stuckAfter = RoleLoop.DEFAULT_STUCK_AFTER.plus(heartbeatInterval).plus(timeout.multipliedBy(3));
        this.loop = RoleLoop.start("server", name, "reference", stuckAfter, loop -> {
            try (LazyPirateClient reference = new LazyPirateClient(context, referenceEndpoint, timeout, 1,
                    () -> stop.getCount() == 0)) {
                run(reference, heartbeatInterval, listener, loop);
            }
            try (LazyPirateClient reference = new LazyPirateClient(context, referenceEndpoint, timeout, 1, () -> false)) {
                call(reference, Services.LEAVE);
                log.info("left the reference server's live list");
            } catch (RequestTimeoutException | ProtocolException e) {
                log.info("could not tell the reference server we leave ({}); it will see our heartbeats stop", e.getMessage());
            }
        });
    }

    private void run(LazyPirateClient reference, Duration interval, PeerListener listener, RoleLoop loop) {
        boolean registered = false;
        do {
            loop.progress();
            try {
                if (!registered) {
                    rank = rankOf(call(reference, Services.RANK));
                    registered = true;
                    log.info("registered with the reference server at {}: rank {}", reference.endpoint(), rank);
                }
                Map<String, Object> beat = call(reference, Services.HEARTBEAT);
                rank = rankOf(beat);
                lastHeartbeatNanos = System.nanoTime();
                listener.onPeers(peers(beat.containsKey("list") ? beat : call(reference, Services.LIST)));
                states.enter("answering", false, "reference server at {} answers", reference.endpoint());
            } catch (RequestTimeoutException e) {
                states.enter("silent", true, "reference server silent: {}", e.getMessage());
            } catch (ProtocolException e) {
                states.enter("unreadable", true, "unexpected reply from the reference server: {}", e.getMessage());
            }
        } while (!awaitStop(interval));
    }

    private Map<String, Object> call(LazyPirateClient reference, String service)
            throws RequestTimeoutException, ProtocolException {
        Map<String, Object> fields = Services.LIST.equals(service) ? Map.of()
                : claimedRank > 0 ? Map.of("user", name, "address", peerAddress, "rank", claimedRank)
                : Map.of("user", name, "address", peerAddress);
        Envelope reply = Envelope.decode(reference.request(stamper.envelope(service, fields).encode()));
        stamper.observe(reply);
        if (Services.ERRO.equals(reply.data().get("status"))) {
            throw new ProtocolException(service + " refused: " + Replies.errorText(reply.data()));
        }
        return reply.data();
    }

    private static int rankOf(Map<String, Object> data) throws ProtocolException {
        return Math.toIntExact(Fields.integer(data, "rank"));
    }

    private static List<Peer> peers(Map<String, Object> data) throws ProtocolException {
        List<Peer> peers = new ArrayList<>();
        for (Object item : Fields.list(data, "list")) {
            if (item instanceof Map<?, ?> entry && entry.get("name") instanceof String peerName
                    && entry.get("rank") instanceof Long peerRank) {
                String address = entry.get("address") instanceof String a ? a : null;
                peers.add(new Peer(peerName, Math.toIntExact(peerRank), address));
            }
        }
        return peers;
    }

    private boolean awaitStop(Duration interval) {
        try {
            return stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    int rank() {
        return rank;
    }

    /** Milliseconds since the reference server last acknowledged a heartbeat; -1 if it never did. */
    long heartbeatAgeMillis() {
        long last = lastHeartbeatNanos;
        return last == 0 ? -1 : (System.nanoTime() - last) / 1_000_000;
    }

    @Override
    public void close() {
        stop.countDown();
        loop.close();
    }
}
