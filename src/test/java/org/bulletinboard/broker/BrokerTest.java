package org.bulletinboard.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import org.bulletinboard.protocol.WorkerFrames;
import org.bulletinboard.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
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
        int base = FreePorts.block(2);
        clients = "tcp://127.0.0.1:" + base;
        servers = "tcp://127.0.0.1:" + (base + 1);
        broker = Broker.start(new Broker.Config(clients, servers, HEARTBEAT));
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
            ZMsg request = awaitRequest(staying);
            assertArrayEquals(("request " + i).getBytes(ZMQ.CHARSET), request.removeLast().getData());
            reply(staying, request, "done " + i);
            assertEquals("done " + i, client.recvStr(), "answered on the first try, by the worker still there");
        }
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
