package org.bulletinboard.server.election;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.NamedConnection;
import org.bulletinboard.net.LoopPoller;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.Sockets;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.Peer;
import org.bulletinboard.server.replication.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Bully election among candidates with ranks (the configured servers, ranked by name; or the reference server's live
 * list): the highest rank that answers is coordinator. A server that finds no coordinator, or finds it gone from the
 * candidates or silent for {@link #SILENT_INTERVALS} heartbeat intervals, sends {@code election} to every candidate
 * of higher rank. If none answers OK in time it becomes coordinator and publishes {@code {"service":"election","data":{"coordinator":NAME,"rank":R}}} on topic
 * {@code servers}; otherwise it waits for the winner's announcement and starts over if none comes. The coordinator
 * repeats its announcement every interval, so late joiners learn it and, after a partition heals, a lower-ranked
 * coordinator hears a higher one (and yields) or is bullied by it. One thread owns the SUB and PUB sockets.
 */
public final class Bully implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bully.class);
    static final int SILENT_INTERVALS = 3;

    /** The coordinator this server follows, with its rank. */
    public record Coordinator(String name, int rank) {}

    private final ZContext context;
    private final String self;
    private final Stamper stamper;
    private final long intervalNanos;
    private final Duration electionTimeout;
    private final Supplier<List<Peer>> candidates;
    private final Supplier<List<Peer>> live;
    private final IntSupplier ownRank;
    private final AtomicBoolean electionRequested = new AtomicBoolean();
    private volatile Coordinator coordinator;
    private long lastAnnouncementNanos;
    private long awaitingWinnerSince;
    private final RoleLoop loop;

    /**
     * @param candidates who may be coordinator, with their ranks (this server included), empty until known
     * @param live       the reference server's latest live list: only a hint, of who left (an election follows at
     *                   once) and whom to ask first; an incomplete list changes no outcome, since every higher
     *                   candidate is asked
     * @param ownRank    this server's rank, 0 until known
     */
    public Bully(ZContext context, String self, String proxyPublishers, String proxySubscribers, Stamper stamper,
                 Duration interval, Duration electionTimeout, Supplier<List<Peer>> candidates,
                 Supplier<List<Peer>> live, IntSupplier ownRank, String node) {
        this.context = context;
        this.self = self;
        this.stamper = stamper;
        this.intervalNanos = interval.toNanos();
        this.electionTimeout = electionTimeout;
        this.candidates = candidates;
        this.live = live;
        this.ownRank = ownRank;
        this.loop = RoleLoop.start("server", node, "election", loop -> run(proxyPublishers, proxySubscribers, loop));
    }

    public Optional<Coordinator> coordinator() {
        return Optional.ofNullable(coordinator);
    }

    public boolean isCoordinator() {
        Coordinator c = coordinator;
        return c != null && c.name().equals(self);
    }

    /** Serves a peer's {@code election} (the course's request): answer OK, and hold an election of our own. */
    public Map<String, Object> onElectionRequest(Envelope request) {
        log.info("election message from {}; answering OK and holding our own",
                request.data().getOrDefault("from", "a lower-ranked server"));
        electionRequested.set(true);
        loop.wake();
        return Map.of("election", "OK");
    }

    private void run(String proxyPublishers, String proxySubscribers, RoleLoop loop) {
        ZMQ.Socket publisher = Sockets.create(context, SocketType.PUB);
        NamedConnection toProxy = new NamedConnection(publisher, proxyPublishers, "proxy (publishers)", log);
        ZMQ.Socket announcements = Sockets.create(context, SocketType.SUB);
        announcements.subscribe(Services.SERVERS_TOPIC.getBytes(ZMQ.CHARSET));
        NamedConnection fromProxy = new NamedConnection(announcements, proxySubscribers, "proxy (subscribers)", log);
        long nextCheck = System.nanoTime() + intervalNanos;
        boolean electionNeeded = false;
        try (LoopPoller poller = loop.newPoller()) {
            poller.register(announcements);
            while (loop.running()) {
                boolean connected = toProxy.maintain() & fromProxy.maintain();
                long untilCheck = TimeUnit.NANOSECONDS.toMillis(nextCheck - System.nanoTime()) + 1;
                loop.poll(poller, Math.max(1, Math.min(untilCheck, connected ? RoleLoop.IDLE_POLL_MILLIS : Sockets.POLL_MILLIS)));
                ZMsg message;
                while ((message = ZMsg.recvMsg(announcements, ZMQ.DONTWAIT)) != null) {
                    electionNeeded |= onAnnouncement(message);
                }
                long now = System.nanoTime();
                electionNeeded |= electionRequested.getAndSet(false);
                if (now - nextCheck >= 0) {
                    nextCheck = now + intervalNanos;
                    electionNeeded |= check(publisher, now);
                }
                if (electionNeeded && ownRank.getAsInt() > 0 && !candidates.get().isEmpty()) {
                    electionNeeded = false;
                    elect(publisher, loop);
                }
            }
        } finally {
            publisher.close();
            announcements.close();
        }
    }

    /** Periodic duties: the coordinator announces itself; the others check it is still there. Returns whether to elect. */
    private boolean check(ZMQ.Socket publisher, long now) {
        if (isCoordinator()) {
            announce(publisher);
            return false;
        }
        if (awaitingWinnerSince != 0) {
            if (now - awaitingWinnerSince <= SILENT_INTERVALS * intervalNanos) {
                return false;
            }
            log.warn("the higher rank that answered never announced itself; holding a new election");
            awaitingWinnerSince = 0;
            return true;
        }
        Coordinator c = coordinator;
        if (c == null) {
            return true;
        }
        List<Peer> listedNow = live.get();
        boolean listed = listedNow.isEmpty() || listedNow.stream().anyMatch(p -> p.name().equals(c.name()));
        boolean silent = now - lastAnnouncementNanos > SILENT_INTERVALS * intervalNanos;
        if (!listed || silent) {
            log.warn("coordinator {} {}; holding an election", c.name(), listed ? "is silent" : "left the live list");
            return true;
        }
        return false;
    }

    /** Follows an announcement; returns true if it came from a lower rank than ours, which we then bully. */
    private boolean onAnnouncement(ZMsg message) {
        try {
            String topic = message.popString();
            if (!Services.SERVERS_TOPIC.equals(topic) || message.size() != 1) {
                return false; // a longer topic that merely starts with "servers"
            }
            Envelope announcement = Envelope.decode(message.pop().getData());
            stamper.observe(announcement);
            String name = Fields.name(announcement.data(), "coordinator");
            int rank = Math.toIntExact(Fields.optionalInteger(announcement.data(), "rank").orElse((long) rankOf(name)));
            if (name.equals(self)) {
                return false;
            }
            lastAnnouncementNanos = System.nanoTime();
            awaitingWinnerSince = 0;
            Coordinator announced = new Coordinator(name, rank);
            if (!announced.equals(coordinator)) {
                log.info("coordinator is now {} (rank {})", name, rank);
                coordinator = announced;
            }
            return rank < ownRank.getAsInt();
        } catch (ProtocolException | ArithmeticException e) {
            log.warn("unreadable announcement on topic '{}': {}", Services.SERVERS_TOPIC, e.getMessage());
            return false;
        } finally {
            message.destroy();
        }
    }

    private int rankOf(String name) {
        return candidates.get().stream().filter(p -> p.name().equals(name)).mapToInt(Peer::rank).findFirst().orElse(0);
    }

    /**
     * One Bully election: ask every higher rank, those the live list holds first (a silent one costs a timeout); if
     * none answers, this server is coordinator.
     */
    private void elect(ZMQ.Socket publisher, RoleLoop loop) {
        int rank = ownRank.getAsInt();
        Set<String> listed = live.get().stream().map(Peer::name).collect(Collectors.toSet());
        List<Peer> higher = candidates.get().stream()
                .filter(p -> p.rank() > rank && !p.name().equals(self) && p.address() != null)
                .sorted(Comparator.comparing((Peer p) -> !listed.contains(p.name())).thenComparing(Peer::rank,
                        Comparator.reverseOrder()))
                .toList();
        for (Peer peer : higher) {
            try (PeerClient client = new PeerClient(context, peer, stamper, electionTimeout, loop::stopping)) {
                if ("OK".equals(client.call(Services.ELECTION, Map.of("from", self, "rank", rank)).get("election"))) {
                    log.info("{} (rank {}) answered the election; waiting for its announcement", peer.name(), peer.rank());
                    awaitingWinnerSince = System.nanoTime();
                    return;
                }
            } catch (RequestTimeoutException | ProtocolException e) {
                log.info("{} (rank {}) did not answer the election: {}", peer.name(), peer.rank(), e.getMessage());
            }
        }
        coordinator = new Coordinator(self, rank);
        log.info("no higher rank answered: {} (rank {}) is coordinator", self, rank);
        announce(publisher);
    }

    private void announce(ZMQ.Socket publisher) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("coordinator", self);
        data.put("rank", ownRank.getAsInt());
        publisher.sendMore(Services.SERVERS_TOPIC);
        publisher.send(stamper.envelope(Services.ELECTION, data).encodeForSubscribers(), ZMQ.DONTWAIT);
    }

    @Override
    public void close() {
        loop.close();
    }
}
