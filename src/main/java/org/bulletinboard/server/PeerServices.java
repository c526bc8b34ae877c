package org.bulletinboard.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bulletinboard.clock.PhysicalClock;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RequestHandling;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.server.election.Bully;
import org.bulletinboard.server.replication.CatchUpResponder;
import org.bulletinboard.server.replication.ReplicaApplier;

/**
 * What a server answers on its socket for other servers: the course's {@code clock} and {@code election}, and
 * ours: Berkeley corrections, replication push and pull, its own status row, and the read-only client services
 * as this server alone holds them (for operators and the fault checker).
 */
final class PeerServices implements RequestHandling.Handler {
    /** Corrections beyond a day are someone's mistake, not a clock to slew. */
    private static final double MAX_CORRECTION_MILLIS = 86_400_000;

    private final ReplicaApplier replicas;
    private final CatchUpResponder catchUp;
    private final PhysicalClock physical;
    private final Bully bully;
    private final StatusReport status;
    private final BoardReads reads;

    PeerServices(ReplicaApplier replicas, CatchUpResponder catchUp, PhysicalClock physical, Bully bully,
                 StatusReport status, BoardReads reads) {
        this.replicas = replicas;
        this.catchUp = catchUp;
        this.physical = physical;
        this.bully = bully;
        this.status = status;
        this.reads = reads;
    }

    @Override
    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        if (BoardReads.serves(request.service())) {
            return reads.handle(request);
        }
        return switch (request.service()) {
            case Services.REPLICATE -> replicas.handle(request);
            case Services.CATCH_UP -> catchUp.handle(request);
            case Services.CLOCK -> clock();
            case Services.ELECTION -> bully.onElectionRequest(request);
            case Services.CLOCK_ADJUST -> adjust(request.data());
            case Services.STATUS -> status.ownRow();
            default -> throw new ProtocolException("unknown server-to-server service '" + request.service() + "'");
        };
    }

    /** The course's {@code time} (the reading, epoch seconds), and ours: the correction still being slewed in. */
    private Map<String, Object> clock() {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("time", physical.exactMillis() / 1000.0);
        reply.put("pending_ms", physical.pendingCorrection());
        return reply;
    }

    private Map<String, Object> adjust(Map<String, Object> data) throws ProtocolException {
        Object value = data.get("adjust_ms");
        double correction = value instanceof Double d ? d : Fields.integer(data, "adjust_ms");
        if (!Double.isFinite(correction) || Math.abs(correction) > MAX_CORRECTION_MILLIS) {
            throw new ProtocolException("field 'adjust_ms' must be a finite correction under a day, got " + correction);
        }
        physical.correct(correction);
        return Map.of("status", Services.OK);
    }
}
