package org.bulletinboard.server.replication;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** What a scripted peer receives from a replicator. */
final class Batches {
    private Batches() {}

    /** The next batch carrying events (a link's first message is an empty one, asking the peer to answer). */
    static ZMsg next(ZMQ.Socket peer) {
        while (true) {
            ZMsg batch = ZMsg.recvMsg(peer);
            assertNotNull(batch, "nothing replicated within the socket's receive timeout");
            if (!isPing(batch)) {
                return batch;
            }
        }
    }

    private static boolean isPing(ZMsg batch) {
        try {
            return ReplicationMessages.events(Envelope.decode(batch.getLast().getData()).data()).isEmpty();
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
