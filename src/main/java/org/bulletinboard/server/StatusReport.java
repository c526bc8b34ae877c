package org.bulletinboard.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bulletinboard.clock.PhysicalClock;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.election.ClockSync;
import org.bulletinboard.server.replication.Peer;
import org.bulletinboard.server.replication.PeerClient;
import org.zeromq.ZContext;

/**
 * The {@code status} service: one row per configured server, gathered by asking each peer for its own row (one that
 * does not answer is listed as unreachable, with its configured rank, or the one the reference server gave it).
 * Each row's physical clock is compensated for half the round trip and given as an offset from the coordinator's
 * clock.
 */
final class StatusReport {
    private static final Duration PEER_TIMEOUT = Duration.ofMillis(500);

    private final ZContext context;
    private final String self;
    private final Stamper stamper;
    private final PhysicalClock physical;
    private final List<Peer> others;
    private final Supplier<List<Peer>> live;
    private final Supplier<Map<String, Object>> ownRow;

    /**
     * @param others the other configured servers
     * @param live   the servers with their ranks (the election candidates), for the ranks of those that do not answer
     */
    StatusReport(ZContext context, String self, Stamper stamper, PhysicalClock physical, List<Peer> others,
                 Supplier<List<Peer>> live, Supplier<Map<String, Object>> ownRow) {
        this.context = context;
        this.self = self;
        this.stamper = stamper;
        this.physical = physical;
        this.others = others;
        this.live = live;
        this.ownRow = ownRow;
    }

    /** This server's row, as a peer's {@code status} request gets it. */
    Map<String, Object> ownRow() {
        return ownRow.get();
    }

    /** Every configured server's row, ordered by rank, with {@code offset_ms} from the coordinator's clock. */
    Map<String, Object> collect() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> offsets = new LinkedHashMap<>();
        Map<String, Object> mine = new LinkedHashMap<>(ownRow.get());
        rows.add(mine);
        offsets.put(self, 0.0);
        Map<String, Integer> ranks = new HashMap<>();
        live.get().forEach(peer -> ranks.put(peer.name(), peer.rank()));
        for (Peer peer : others) {
            Map<String, Object> row;
            try (PeerClient client = new PeerClient(context, peer, stamper, PEER_TIMEOUT, () -> false)) {
                row = new LinkedHashMap<>(client.call(Services.STATUS, Map.of()));
                offsets.put(peer.name(), ClockSync.bestReading(client, physical::exactMillis, false).offset());
            } catch (RequestTimeoutException | ProtocolException e) {
                row = new LinkedHashMap<>();
                row.put("name", peer.name());
                row.put("rank", ranks.getOrDefault(peer.name(), 0));
                row.put("reachable", false);
            }
            row.remove("timestamp"); // the envelope's stamps, not part of the row
            rows.add(row);
        }
        String coordinator = rows.stream().filter(r -> Boolean.TRUE.equals(r.get("coordinator")))
                .map(r -> (String) r.get("name")).findFirst().orElse(null);
        double base = offsets.getOrDefault(coordinator, 0.0);
        for (Map<String, Object> row : rows) {
            Double offset = offsets.get(row.get("name"));
            if (offset != null) {
                row.put("offset_ms", Math.round((offset - base) * 1000) / 1000.0);
            }
        }
        rows.sort(Comparator.comparingLong(r -> r.get("rank") instanceof Number n ? n.longValue() : 0));
        Map<String, Object> reply = Replies.status(Services.OK);
        reply.put("coordinator", coordinator);
        reply.put("offsets_from", coordinator != null ? coordinator : self);
        reply.put("servers", rows);
        return reply;
    }
}
