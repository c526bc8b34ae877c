package org.bulletinboard.server.replication;

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
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Whose acknowledgements a write waits for, against two scripted peers of a three-server cluster; the table of
 * who counts is {@link QuorumWaitsTest}.
 */
class AckRuleTest {
    private final ZContext context = new ZContext();
    private ReplicatorDriver replicator;

    @AfterEach
    void stop() {
        replicator.close();
        context.close();
    }

    @Test
    void underQuorumOnePeersAckOfTwoIsEnough() throws Exception {
        List<ZMQ.Socket> peers = start(AckRule.QUORUM);
        CompletableFuture<Boolean> done = replicator.replicate(event());
        ZMsg toFirst = receive(peers.get(0));
        receive(peers.get(1)); // the second peer gets it too, and never answers
        acknowledge(peers.get(0), toFirst);
        assertTrue(done.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aQuorumCountsConfiguredPeersThatAreDownToo() throws Exception {
        int port = FreePorts.block(1);
        ZMQ.Socket only = peer(port);
        // s3 is configured but nothing listens there: still one of the three servers a quorum is counted in.
        replicator = new ReplicatorDriver(context, "s1", List.of(new Peer("s2", 2, "tcp://127.0.0.1:" + port),
                new Peer("s3", 3, "tcp://127.0.0.1:" + FreePorts.block(1))), Duration.ofMillis(100),
                Duration.ofMillis(300), AckRule.ALL);
        CompletableFuture<Boolean> done = replicator.replicate(event());
        acknowledge(only, receive(only));
        assertFalse(done.get(5, TimeUnit.SECONDS), "under all, a peer that is down means no OK");
    }

    @Test
    void underAllEveryPeerMustAck() throws Exception {
        List<ZMQ.Socket> peers = start(AckRule.ALL);
        CompletableFuture<Boolean> done = replicator.replicate(event());
        ZMsg toFirst = receive(peers.get(0));
        ZMsg toSecond = receive(peers.get(1));
        acknowledge(peers.get(0), toFirst);
        // The first ack is in once a resend (every 100 ms) reaches only the second peer, which did not ack.
        receive(peers.get(1));
        assertFalse(done.isDone(), "answered with one of two peers' acks");
        acknowledge(peers.get(1), toSecond);
        assertTrue(done.get(5, TimeUnit.SECONDS));
    }

    private List<ZMQ.Socket> start(AckRule rule) {
        int ports = FreePorts.block(2);
        ZMQ.Socket first = peer(ports);
        ZMQ.Socket second = peer(ports + 1);
        replicator = new ReplicatorDriver(context, "s1", List.of(new Peer("s2", 2, "tcp://127.0.0.1:" + ports),
                new Peer("s3", 3, "tcp://127.0.0.1:" + (ports + 1))), Duration.ofMillis(100), Duration.ofSeconds(10),
                rule);
        Await.until(Duration.ofSeconds(5), "links to both peers", () -> replicator.peerCount() == 2);
        return List.of(first, second);
    }

    private ZMQ.Socket peer(int port) {
        ZMQ.Socket peer = context.createSocket(SocketType.ROUTER);
        peer.setReceiveTimeOut(5_000);
        peer.bind("tcp://127.0.0.1:" + port);
        return peer;
    }

    private static Event event() throws Exception {
        return Event.fromWire(Map.of("origin", "s1", "seq", 1L, "lamport", 3L, "timestamp", 10L,
                "type", "login", "user", "ana"));
    }

    private static ZMsg receive(ZMQ.Socket peer) {
        return Batches.next(peer);
    }

    private static void acknowledge(ZMQ.Socket peer, ZMsg batch) {
        ZMsg reply = new ZMsg();
        reply.add(batch.getFirst().getData());
        reply.add(new Envelope("replicate", ReplicationMessages.ack(List.of("s1:1"))).encode());
        reply.send(peer);
    }
}
