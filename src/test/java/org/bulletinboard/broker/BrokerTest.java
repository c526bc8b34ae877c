package org.bulletinboard.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.WorkerFrames;
import org.bulletinboard.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** The load-balancing broker against scripted workers: raw DEALER sockets speaking the worker frames. */
class BrokerTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);

    private final ZContext context = new ZContext();
    private Broker broker;
    private String clients;
    private String servers;

    @BeforeEach
    void start() {
        start(Broker.DEFAULT_PACK);
    }

    private void start(int pack) {
        int base = FreePorts.block(2);
        clients = "tcp://127.0.0.1:" + base;
        servers = "tcp://127.0.0.1:" + (base + 1);
        broker = Broker.start(new Broker.Config(clients, servers, HEARTBEAT, pack), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        broker.close();
        context.close();
    }

    @Test
    void aRequestWaitsUntilAWorkerIsReadyAndItsReplyReachesTheClient() {
        ZMQ.Socket client = socket(SocketType.REQ, clients);
        client.send("ping");
        ZMQ.Socket worker = socket(SocketType.DEALER, servers);
        worker.send(WorkerFrames.READY);

        ZMsg request = awaitRequest(worker);
        assertEquals("ping", request.removeLast().getString(ZMQ.CHARSET));
        reply(worker, request, "pong");
        assertEquals("pong", client.recvStr(), "the reply reaches the client that asked");
    }

    @Test
    void aClosedWorkerGetsNoMoreRequests() {
        ZMQ.Socket leaving = socket(SocketType.DEALER, servers);
        leaving.send(WorkerFrames.READY);
        ZMQ.Socket staying = socket(SocketType.DEALER, servers);
        staying.send(WorkerFrames.READY);
        // A heartbeat back means the broker knows the worker.
        awaitHeartbeat(leaving);
        awaitHeartbeat(staying);
        leaving.close();

        for (int i = 0; i < 3; i++) {
            ZMQ.Socket client = socket(SocketType.REQ, clients);
            client.send("request " + i);
            // Heartbeating like a real worker: if the broker has not yet seen the other one go and hands it this
            // request, it takes it back when that worker's heartbeats stop, and this one must still be known.
            ZMsg request = awaitRequestHeartbeating(staying).request();
            assertArrayEquals(("request " + i).getBytes(ZMQ.CHARSET), request.removeLast().getData());
            reply(staying, request, "done " + i);
            assertEquals("done " + i, client.recvStr(), "answered on the first try, by the worker still there");
        }
    }

    @Test
    void aRequestHeldByASilentWorkerGoesToAnotherAndTheLateReplyIsDropped() {
        ZMQ.Socket silent = socket(SocketType.DEALER, servers);
        silent.send(WorkerFrames.READY);
        awaitHeartbeat(silent); // known first, so least recently used: it gets the first request
        ZMQ.Socket alive = socket(SocketType.DEALER, servers);
        alive.send(WorkerFrames.READY);
        awaitHeartbeat(alive);

        ZMQ.Socket client = socket(SocketType.REQ, clients);
        client.send("one");
        ZMsg held = awaitRequest(silent); // ...and then says nothing while the broker's expiry passes
        Served again = awaitRequestHeartbeating(alive);
        assertEquals("one", again.request().removeLast().getString(ZMQ.CHARSET), "the same request, handed to another worker");
        reply(alive, again.request(), "answer to one");
        assertEquals("answer to one", client.recvStr());

        held.removeLast();
        reply(silent, held, "late answer to one");
        client.send("two");
        Served next = awaitRequestHeartbeating(alive, silent);
        assertEquals("two", next.request().removeLast().getString(ZMQ.CHARSET));
        reply(next.worker(), next.request(), "answer to two");
        assertEquals("answer to two", client.recvStr(), "the late reply never reaches the client");
    }

    /**
     * A worker whose connection drops while it holds a request (its server crashed) is found at once, not at the next
     * heartbeat, which with a beat of a minute is far off: its request goes to another worker within moments.
     */
    @Test
    void aRequestHeldByAWorkerWhoseConnectionDropsGoesToAnotherAtOnce() {
        broker.close();
        int base = FreePorts.block(2);
        clients = "tcp://127.0.0.1:" + base;
        servers = "tcp://127.0.0.1:" + (base + 1);
        broker = Broker.start(new Broker.Config(clients, servers, Duration.ofMinutes(1), Broker.DEFAULT_PACK),
                new SimpleMeterRegistry());
        try (ZContext crashing = new ZContext()) {
            ZMQ.Socket doomed = crashing.createSocket(SocketType.DEALER);
            doomed.setLinger(0);
            doomed.setReceiveTimeOut(5_000);
            doomed.connect(servers);
            doomed.send(WorkerFrames.READY);
            ZMQ.Socket client = socket(SocketType.REQ, clients);
            client.send("one");
            assertEquals("one", awaitRequest(doomed).removeLast().getString(ZMQ.CHARSET));
            ZMQ.Socket alive = socket(SocketType.DEALER, servers);
            alive.send(WorkerFrames.READY);
            crashing.close(); // the connection drops, as when a server's process is killed

            ZMsg again = awaitRequest(alive);
            assertEquals("one", again.getLast().getString(ZMQ.CHARSET), "the same request, handed to the other worker");
            again.removeLast();
            reply(alive, again, "answer to one");
            assertEquals("answer to one", client.recvStr());
        }
    }

    @Test
    void aRequestThatTakesDownEveryWorkerItReachesIsAnsweredWithErroAndDropped() throws ProtocolException {
        List<ZMQ.Socket> doomed = new ArrayList<>();
        for (int i = 0; i < Broker.POISON_LOST_WORKERS + 1; i++) {
            ZMQ.Socket worker = socket(SocketType.DEALER, servers);
            worker.send(WorkerFrames.READY);
            awaitHeartbeat(worker);
            doomed.add(worker);
        }
        ZMQ.Socket client = socket(SocketType.REQ, clients);
        client.send(new Envelope("poison", Map.of()).encode());
        for (int lost = 0; lost < Broker.POISON_LOST_WORKERS; lost++) {
            Served served = awaitRequestHeartbeating(doomed.toArray(ZMQ.Socket[]::new));
            doomed.remove(served.worker());
            served.worker().close(); // dies holding it
        }
        Envelope reply = Envelope.decode(client.recv());
        assertEquals("poison", reply.service());
        assertEquals("erro", reply.data().get("status"));
        assertTrue(((String) reply.data().get("description")).contains("workers were lost"), reply.toString());
        ZMsg next = ZMsg.recvMsg(doomed.get(0), ZMQ.DONTWAIT);
        assertTrue(next == null || WorkerFrames.HEARTBEAT.equals(next.popString()), "the last worker never gets it");
    }

    @Test
    void concurrentRequestsFillOneWorkerUpToThePackBeforeTheNextGetsAny() {
        int pack = 32;
        broker.close();
        start(pack);
        ZMQ.Socket first = taggedWorker();
        awaitHeartbeat(first); // known first, so least recently used: it gets the first request
        ZMQ.Socket second = taggedWorker();
        awaitHeartbeat(second);
        ZMQ.Socket client = socket(SocketType.DEALER, clients);
        int spilled = 8;
        for (int i = 0; i < pack + spilled; i++) {
            client.sendMore(""); // as a REQ socket sends it
            client.send("request " + i);
        }

        Map<ZMQ.Socket, List<ZMsg>> held = awaitRequests(pack + spilled, first, second);
        assertEquals(pack, held.get(first).size(), "the first worker is given requests up to the pack");
        assertEquals(spilled, held.get(second).size(), "only the rest go to the next");

        ZMsg answered = held.get(first).get(0);
        answered.removeLast();
        withoutRequestId(answered);
        reply(first, answered, "done");
        assertEquals("", client.recvStr());
        assertEquals("done", client.recvStr(), "the reply reaches the client");
        client.sendMore("");
        client.send("one more");
        assertEquals(List.of(), awaitRequests(1, first, second).get(second),
                "the first worker, with room again, takes the next request, not the less loaded second");
    }

    @Test
    void aRequestHandedOnAfterItsWorkerWasLostCarriesTheSameIdMarkedSo() {
        ZMQ.Socket silent = taggedWorker();
        awaitHeartbeat(silent); // known first, so least recently used: it gets the first request
        ZMQ.Socket alive = taggedWorker();
        awaitHeartbeat(alive);
        ZMQ.Socket client = socket(SocketType.REQ, clients);
        client.send("a write without a request_id");

        String first = withoutRequestId(awaitRequest(silent)); // ...which then falls silent
        ZMsg again = awaitRequestHeartbeating(alive).request();
        String handedOn = withoutRequestId(again);
        assertEquals(first, WorkerFrames.requestIdOf(handedOn), "a server seeing it twice knows it for the same request");
        assertTrue(WorkerFrames.isHandedOn(handedOn) && !WorkerFrames.isHandedOn(first),
                "marked as handed on after a loss: " + first + ", then " + handedOn);
        assertTrue(first.startsWith("b"), first);
        socket(SocketType.REQ, clients).send("another");
        ZMsg next = awaitRequestHeartbeating(alive).request();
        assertNotEquals(first, withoutRequestId(next), "each request its own id");
    }

    /** Takes the broker's request id out of a tagged worker's request (after the tag), leaving the route; returns it. */
    private static String withoutRequestId(ZMsg request) {
        ZFrame tag = request.pop();
        String id = request.popString();
        request.push(tag);
        return id;
    }

    @Test
    void aRequestOfSeveralFramesIsRefusedByTheBroker() throws ProtocolException {
        ZMQ.Socket client = socket(SocketType.REQ, clients);
        client.sendMore(new Envelope("users", Map.of()).encode());
        client.send(new Envelope("users", Map.of()).encode());
        Envelope reply = Envelope.decode(client.recv());
        assertEquals("erro", reply.data().get("status"));
        assertTrue(((String) reply.data().get("description")).contains("one frame"), reply.toString());
    }

    private ZMQ.Socket socket(SocketType type, String endpoint) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        socket.setReceiveTimeOut(5_000);
        socket.connect(endpoint);
        return socket;
    }

    /** The next REQUEST for this worker, heartbeats skipped; what is left after the command is envelope + payload. */
    private static ZMsg awaitRequest(ZMQ.Socket worker) {
        while (true) {
            ZMsg message = ZMsg.recvMsg(worker);
            assertNotNull(message, "no request within 5 s");
            String command = message.popString();
            if (WorkerFrames.REQUEST.equals(command)) {
                return message;
            }
            assertEquals(WorkerFrames.HEARTBEAT, command);
        }
    }

    private record Served(ZMQ.Socket worker, ZMsg request) {}

    /** The next REQUEST on any of these workers, which heartbeat while they wait so the broker keeps them. */
    private Served awaitRequestHeartbeating(ZMQ.Socket... workers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try (ZMQ.Poller poller = context.createPoller(workers.length)) {
            for (ZMQ.Socket worker : workers) {
                poller.register(worker, ZMQ.Poller.POLLIN);
            }
            while (System.nanoTime() < deadline) {
                for (ZMQ.Socket worker : workers) {
                    worker.send(WorkerFrames.HEARTBEAT, ZMQ.DONTWAIT);
                }
                poller.poll(HEARTBEAT.toMillis() / 2);
                for (ZMQ.Socket worker : workers) {
                    ZMsg message = ZMsg.recvMsg(worker, ZMQ.DONTWAIT);
                    if (message != null && WorkerFrames.REQUEST.equals(message.popString())) {
                        return new Served(worker, message);
                    }
                }
            }
        }
        throw new AssertionError("no request within 5 s");
    }

    /** A worker that takes many requests at once, each under the broker's tag, as a server's link does. */
    private ZMQ.Socket taggedWorker() {
        ZMQ.Socket worker = socket(SocketType.DEALER, servers);
        worker.sendMore(WorkerFrames.READY);
        worker.send("64");
        return worker;
    }

    /** Receives {@code count} requests over these workers, which heartbeat meanwhile; the requests each was given. */
    private Map<ZMQ.Socket, List<ZMsg>> awaitRequests(int count, ZMQ.Socket... workers) {
        Map<ZMQ.Socket, List<ZMsg>> held = new HashMap<>();
        for (ZMQ.Socket worker : workers) {
            held.put(worker, new ArrayList<>());
        }
        int received = 0;
        while (received < count) {
            Served served = awaitRequestHeartbeating(workers);
            held.get(served.worker()).add(served.request());
            received++;
        }
        return held;
    }

    private static void reply(ZMQ.Socket worker, ZMsg envelope, String payload) {
        envelope.add(payload);
        envelope.push(WorkerFrames.REPLY);
        envelope.send(worker);
    }

    private static void awaitHeartbeat(ZMQ.Socket worker) {
        ZMsg message = ZMsg.recvMsg(worker);
        assertNotNull(message, "no heartbeat within 5 s");
        assertEquals(WorkerFrames.HEARTBEAT, message.popString());
    }
}
