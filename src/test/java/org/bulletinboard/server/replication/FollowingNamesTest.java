package org.bulletinboard.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bulletinboard.net.LazyPirateClient;
import org.bulletinboard.net.RequestTimeoutException;
import org.bulletinboard.net.RoleLoop;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.server.store.Event;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Peers given by name, as a StatefulSet gives them: a name that does not resolve yet, and a pod that comes back
 * under the same name at a new address. The replicator and the request client follow the name.
 */
class FollowingNamesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PEER = "s2.names.test";

    private final TestNames names = new TestNames();
    private final ZContext context = new ZContext();
    private final int port = FreePorts.block(1);
    private ReplicatorDriver replicator;

    @BeforeEach
    void start() {
        replicator = new ReplicatorDriver(context, "s1", List.of(new Peer("s2", 2, "tcp://" + PEER + ":" + port)),
                Duration.ofMillis(100), Duration.ofSeconds(3), AckRule.QUORUM);
    }

    @AfterEach
    void stop() {
        replicator.close();
        context.close();
        names.close();
    }

    @Test
    void aPeerWhoseNameDoesNotResolveYetIsAPeerThatDoesNotAnswerAndGetsItsBacklogOnceItDoes() throws Exception {
        Await.until(WAIT, "the replicator to try the name a few times", () -> names.lookups() >= 3);
        assertEquals(0, replicator.peerCount(), "not linked while the name does not resolve");
        assertFalse(replicator.replicate(event(1)).get(5, TimeUnit.SECONDS), "no quorum: the outcome is unknown");
        assertEquals(List.of(), RoleLoop.problems("server", "s1"), "no thread died");

        ZMQ.Socket peer = peerAt("127.0.0.1");
        names.map(PEER, "127.0.0.1");
        Await.until(WAIT, "the link once the name resolves", () -> replicator.peerCount() == 1);
        acknowledge(peer, "s1:1"); // the backlog follows the link
        CompletableFuture<Boolean> acked = replicator.replicate(event(2));
        acknowledge(peer, "s1:2");
        assertTrue(acked.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aPeerBackAtANewAddressUnderTheSameNameIsReachedAgain() throws Exception {
        names.map(PEER, "127.0.0.1");
        ZMQ.Socket first = peerAt("127.0.0.1");
        Await.until(WAIT, "the link", () -> replicator.peerCount() == 1);
        CompletableFuture<Boolean> acked = replicator.replicate(event(1));
        acknowledge(first, "s1:1");
        assertTrue(acked.get(5, TimeUnit.SECONDS));

        // The pod is replaced: the old address is gone, the name now leads elsewhere.
        context.destroySocket(first);
        ZMQ.Socket second = peerAt("127.0.0.2");
        names.map(PEER, "127.0.0.2");
        CompletableFuture<Boolean> next = replicator.replicate(event(2));
        acknowledge(second, "s1:2");
        assertTrue(next.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aRequestToANameThatDoesNotResolveTimesOutLikeASilentPeerAndThenGetsThrough() throws Exception {
        try (LazyPirateClient client = new LazyPirateClient(context, "tcp://" + PEER + ":" + port,
                Duration.ofMillis(200), 2, () -> false)) {
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.request(new byte[] {1}));
            assertTrue(e.getMessage().contains("does not resolve"), e.getMessage());

            ZMQ.Socket peer = context.createSocket(SocketType.REP);
            peer.bind("tcp://127.0.0.1:" + port);
            names.map(PEER, "127.0.0.1");
            CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> {
                byte[] request = peer.recv(0);
                peer.send(request, 0);
                return request;
            });
            assertEquals(1, client.request(new byte[] {1})[0]);
            assertEquals(1, reply.get(5, TimeUnit.SECONDS)[0]);
        }
    }

    private ZMQ.Socket peerAt(String address) {
        ZMQ.Socket peer = context.createSocket(SocketType.ROUTER);
        peer.setLinger(0);
        peer.setReceiveTimeOut(200);
        peer.bind("tcp://" + address + ":" + port);
        return peer;
    }

    /** Waits for the batch carrying {@code id} (resends may come first) and acknowledges it. */
    private static void acknowledge(ZMQ.Socket peer, String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ZMsg batch = ZMsg.recvMsg(peer);
            if (batch == null) {
                continue;
            }
            List<String> ids = ReplicationMessages.events(Envelope.decode(batch.getLast().getData()).data()).stream()
                    .map(wire -> ((Map<?, ?>) wire).get("origin") + ":" + ((Map<?, ?>) wire).get("seq")).toList();
            if (ids.contains(id)) {
                ZMsg reply = new ZMsg();
                reply.add(batch.getFirst().getData());
                reply.add(new Envelope("replicate", ReplicationMessages.ack(ids)).encode());
                reply.send(peer);
                return;
            }
        }
        assertNotNull(null, id + " never reached " + peer);
    }

    private static Event event(long seq) throws Exception {
        return Event.fromWire(Map.of("origin", "s1", "seq", seq, "lamport", seq, "timestamp", 10L,
                "type", "login", "user", "ana"));
    }
}
