package org.bulletinboard.server.election;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.bulletinboard.clock.BerkeleyRound;
import org.bulletinboard.clock.PhysicalClock;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.net.Wakeup;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.replication.Peer;
import org.bulletinboard.server.replication.PeerClient;
import org.bulletinboard.server.replication.PeerClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.zeromq.ZContext;

/**
 * Berkeley synchronisation, run by whichever server is coordinator: every {@link #REQUESTS_PER_ROUND} client
 * requests it handles (as the course asks) and on a timer (so an idle cluster stays in sync), it reads every live
 * server's {@code clock}, keeps the fastest of {@link #SAMPLES} round trips per server and compensates it by half,
 * and sends each server its own correction ({@code clock_adjust}). It works on each clock's target (reading plus
 * the correction still being slewed in), which does not move while clocks slew, so a round is never stale. A server that does not answer is skipped and
 * asked again next round. One thread, with one connection per live peer kept from round to round (under load a
 * round runs ten times a second, and a fresh connection each time cost more than the round).
 */
public final class ClockSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClockSync.class);
    public static final int REQUESTS_PER_ROUND = 10;
    static final int SAMPLES = 5;
    /** Under load, 10 requests come every few milliseconds; rounds closer than this add load and no accuracy. */
    static final long MIN_ROUND_SPACING_MILLIS = 100;
    /** A round whose spread exceeds this is worth an INFO line; routine ones are logged at DEBUG. */
    static final double NOTABLE_SPREAD_MILLIS = 10;

    private final String self;
    private final PhysicalClock physical;
    private final Duration interval;
    private final Supplier<List<Peer>> live;
    private final BooleanSupplier coordinating;
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private final Wakeup wakeup = new Wakeup();
    private final PeerClients clients; // used on the loop thread only
    private final RoleLoop loop;

    public ClockSync(ZContext context, String self, Stamper stamper, PhysicalClock physical, Duration interval,
                     Duration timeout, Supplier<List<Peer>> live, BooleanSupplier coordinating, String node) {
        this.self = self;
        this.physical = physical;
        this.interval = interval;
        this.live = live;
        this.coordinating = coordinating;
        this.clients = new PeerClients(context, stamper, timeout, wakeup::stopped);
        // A pass waits for the timer, then a round asks every peer several times within the timeout.
        Duration stuckAfter = RoleLoop.DEFAULT_STUCK_AFTER.plus(interval).plus(timeout.multipliedBy(SAMPLES * 4L));
        this.loop = RoleLoop.start("server", node, "clock-sync", stuckAfter, this::run);
    }

    /** Counts a client request handled here; every tenth starts a round if this server is coordinator. */
    public void requestHandled() {
        if (handled.incrementAndGet() % REQUESTS_PER_ROUND == 0) {
            wakeup.ring();
        }
    }

    /** Rounds this server has run as coordinator. */
    public long rounds() {
        return rounds.get();
    }

    private void run(RoleLoop loop) {
        try {
            while (loop.running() && wakeup.awaitRing(interval.toMillis())) {
                loop.progress();
                if (coordinating.getAsBoolean()) {
                    round();
                    wakeup.pause(MIN_ROUND_SPACING_MILLIS);
                }
            }
        } finally {
            clients.close();
        }
    }

    private void round() {
        Map<String, Double> offsets = new HashMap<>();
        offsets.put(self, 0.0);
        Map<String, Peer> reached = new HashMap<>();
        List<Peer> peers = live.get();
        clients.keepOnly(peers);
        for (Peer peer : peers) {
            if (peer.name().equals(self) || peer.address() == null) {
                continue;
            }
            try {
                offsets.put(peer.name(), bestReading(clients.to(peer), physical::targetMillis, true).offset());
                reached.put(peer.name(), peer);
            } catch (RequestTimeoutException | ProtocolException e) {
                log.info("{} missed this clock round ({}); it is asked again next round", peer.name(), e.getMessage());
            }
        }
        BerkeleyRound.Outcome outcome = BerkeleyRound.corrections(offsets);
        physical.correct(outcome.corrections().get(self));
        for (Peer peer : reached.values()) {
            try {
                clients.to(peer).call(Services.CLOCK_ADJUST, Map.of("adjust_ms", outcome.corrections().get(peer.name())));
            } catch (RequestTimeoutException | ProtocolException e) {
                log.info("{} did not take its correction ({}); next round corrects it", peer.name(), e.getMessage());
            }
        }
        long round = rounds.incrementAndGet();
        boolean notable = round == 1 || !outcome.outliers().isEmpty() || outcome.spreadBeforeMillis() > NOTABLE_SPREAD_MILLIS;
        log.atLevel(notable ? Level.INFO : Level.DEBUG).log("Berkeley round {}: {} clocks, spread before {} ms, corrections {}{}", round, offsets.size(),
                String.format("%.2f", outcome.spreadBeforeMillis()), rounded(outcome.corrections()),
                outcome.outliers().isEmpty() ? "" : ", outliers left out of the average " + outcome.outliers());
    }

    /**
     * The reading of a peer's clock with the shortest round trip of a few: the least delayed, so halving it errs
     * least (the first, over a fresh connection, also pays for the handshake).
     *
     * @param local   our clock, read before and after each request
     * @param targets whether to compare where the clocks are headed (for corrections) or their readings (to show)
     */
    public static BerkeleyRound.Reading bestReading(PeerClient client, DoubleSupplier local, boolean targets)
            throws RequestTimeoutException, ProtocolException {
        BerkeleyRound.Reading best = null;
        for (int i = 0; i < SAMPLES; i++) {
            double sent = local.getAsDouble();
            Map<String, Object> reply = client.call(Services.CLOCK, Map.of());
            double received = local.getAsDouble();
            double remote = targets ? targetMillis(reply) : timeMillis(reply);
            BerkeleyRound.Reading reading = new BerkeleyRound.Reading(remote, sent, received);
            if (best == null || reading.roundTripMillis() < best.roundTripMillis()) {
                best = reading;
            }
        }
        return best;
    }

    /**
     * Where a peer's clock is headed: its {@code time} plus our {@code pending_ms} if present (a server that sends
     * only the course's {@code time} is taken as not slewing).
     */
    static double targetMillis(Map<String, Object> reply) throws ProtocolException {
        Object pending = reply.get("pending_ms");
        return timeMillis(reply) + (pending instanceof Number n ? n.doubleValue() : 0);
    }

    /** The {@code time} of a clock reply: float epoch seconds as we send it, or integer seconds or milliseconds. */
    static double timeMillis(Map<String, Object> reply) throws ProtocolException {
        Object time = reply.get("time");
        if (time instanceof Double seconds) {
            return seconds * 1000;
        }
        if (time instanceof Long value) {
            return value < 100_000_000_000L ? value * 1000.0 : value;
        }
        throw new ProtocolException("field 'time' must be epoch seconds or milliseconds, got " + time);
    }

    private static Map<String, String> rounded(Map<String, Double> corrections) {
        Map<String, String> shown = new TreeMap<>();
        corrections.forEach((name, ms) -> shown.put(name, String.format("%+.2f ms", ms)));
        return shown;
    }

    @Override
    public void close() {
        wakeup.stop();
        loop.close();
    }
}
