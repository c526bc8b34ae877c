package org.bulletinboard.server.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.server.store.BoardStore;

/**
 * Serves a peer's {@code catchup} request from this server's store: one page of the events it lacks, or one part of
 * the latest checkpoint, when it lacks events only that holds or asks for the next part.
 */
public final class CatchUpResponder {
    /** Events per page, by estimated size, well under the server-to-server frame limit. */
    static final long PAGE_BYTES = 1024 * 1024;

    private final BoardStore store;

    public CatchUpResponder(BoardStore store) {
        this.store = store;
    }

    public Map<String, Object> handle(Envelope request) throws ProtocolException {
        Fields.name(request.data(), "from");
        Map<String, Long> after = new HashMap<>();
        for (Map.Entry<String, Object> entry : Fields.map(request.data(), "after").entrySet()) {
            if (!(entry.getValue() instanceof Long seq)) {
                throw new ProtocolException("'after' must map origins to sequence numbers");
            }
            after.put(entry.getKey(), seq);
        }
        long[] checkpoint = ReplicationMessages.checkpointAsked(request.data());
        try {
            return ReplicationMessages.catchUpReply(checkpoint != null
                    ? store.checkpointPage(checkpoint[0], (int) checkpoint[1])
                    : store.catchUpPage(after, ReplicationMessages.holding(request.data()), PAGE_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the log for a catch-up page", e);
        }
    }
}
