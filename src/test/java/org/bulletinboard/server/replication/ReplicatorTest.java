package org.bulletinboard.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.server.store.Event;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** The replicator against a scripted peer socket: acknowledgements, resends, and writes given up. */
class ReplicatorTest {
    private ZContext context;
    private ReplicatorDriver replicator;
    private ZMQ.Socket peer;
    private String peerEndpoint;

    @BeforeEach
    void start() {
        context = new ZContext();
        peerEndpoint = "tcp://127.0.0.1:" + FreePorts.block(1);
        peer = context.createSocket(SocketType.ROUTER);
        peer.setReceiveTimeOut(5_000);
        peer.bind(peerEndpoint);
        replicator = new ReplicatorDriver(context, "s1", List.of(new Peer("s2", 2, peerEndpoint)), Duration.ofMillis(100),
                Duration.ofSeconds(1), AckRule.QUORUM);
        Await.until(Duration.ofSeconds(5), "the replicator to link to s2", () -> replicator.peerCount() == 1);
    }

    @AfterEach
    void stop() {
        replicator.close();
        context.close();
    }

    @Test
    void anUnacknowledgedEventIsResentUntilThePeerAcksIt() throws Exception {
        Event event = Event.fromWire(Map.of("origin", "s1", "seq", 1L, "lamport", 3L, "timestamp", 10L,
                "type", "login", "user", "ana"));
        CompletableFuture<Boolean> acked = replicator.replicate(event);

        ZMsg first = receive();
        assertEquals(List.of("s1:1"), ids(first), "first delivery");
        // no ack: the first delivery is treated as lost
        ZMsg second = receive();
        assertEquals(List.of("s1:1"), ids(second), "resent after the resend interval");
        assertFalse(acked.isDone(), "not complete before the peer acknowledges");

        ZMsg reply = new ZMsg();
        reply.add(second.getFirst().getData());
        reply.add(new Envelope("replicate", ReplicationMessages.ack(List.of("s1:1"))).encode());
        reply.send(peer);
        assertTrue(acked.get(5, TimeUnit.SECONDS), "acknowledged");
    }

    @Test
    void aWriteItsPeerNeverAcknowledgesIsGivenUpAndStillResent() throws Exception {
        Event event = Event.fromWire(Map.of("origin", "s1", "seq", 1L, "lamport", 3L, "timestamp", 10L,
                "type", "login", "user", "ana"));
        CompletableFuture<Boolean> acked = replicator.replicate(event);
        assertFalse(acked.get(5, TimeUnit.SECONDS), "given up after the ack timeout: its outcome is unknown");
        assertEquals(List.of("s1:1"), ids(receive()), "the peer still gets it, until it acknowledges it");
    }

    private ZMsg receive() {
        return Batches.next(peer);
    }

    private static List<String> ids(ZMsg message) throws Exception {
        Envelope batch = Envelope.decode(message.getLast().getData());
        assertEquals("replicate", batch.service());
        assertEquals("s1", batch.data().get("from"));
        return ReplicationMessages.events(batch.data()).stream()
                .map(wire -> ((Map<?, ?>) wire).get("origin") + ":" + ((Map<?, ?>) wire).get("seq"))
                .toList();
    }
}
