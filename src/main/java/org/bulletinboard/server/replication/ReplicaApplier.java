package org.bulletinboard.server.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.RejectionLog;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a peer's {@code replicate} batch: applies each event here (once), writes it to the log, and answers
 * with the acknowledgement. The peer endpoint sends that answer only after {@link BoardStore#sync}, so one
 * fsync covers every batch that arrived together. Only what was stored is acknowledged: an event that cannot be
 * read is skipped (logged, at a bounded rate), never counts toward its write's quorum, and is sent again until
 * its sender's backlog lets it go.
 */
public final class ReplicaApplier {
    private static final Logger log = LoggerFactory.getLogger(ReplicaApplier.class);

    private final BoardStore store;

    public ReplicaApplier(BoardStore store) {
        this.store = store;
    }

    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        String from = Fields.name(request.data(), "from");
        List<Event> events = new ArrayList<>();
        List<String> acked = new ArrayList<>();
        for (Object item : ReplicationMessages.events(request.data())) {
            Map<String, Object> wire = Fields.stringKeyed(item).orElse(null);
            if (wire == null) {
                log.error("peer {} sent a replication entry that is not an event map; skipped", from);
                continue;
            }
            try {
                events.add(Event.fromWire(wire));
            } catch (ProtocolException e) {
                RejectionLog.warn(log, "peer {} sent an unreadable event, skipped and not acknowledged: {}", from,
                        e.getMessage());
            }
        }
        try {
            store.appendReplicated(events); // durable before the ack leaves: see the class comment
        } catch (IOException e) {
            // Not acknowledged: the peer sends it again, or this server catches up later.
            throw new UncheckedIOException("could not persist replicated events", e);
        }
        events.forEach(event -> acked.add(event.id()));
        return ReplicationMessages.ack(acked);
    }
}
