package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bulletinboard.bench.ScratchDirectory;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.server.BoardServer;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.ClusterWithClient;
import org.bulletinboard.support.TestCluster;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A role's threads do not grow with the requests it has in flight: concurrency comes from many requests on one
 * socket per purpose, not from threads. Hundreds of writes are sent at once from as many client sockets; while
 * they are being answered, every role has exactly the threads it had idle.
 */
class ThreadsPerRoleTest {
    private static final int IN_FLIGHT = 300;

    @Test
    void hundredsOfRequestsInFlightAddNoThreadToAnyRole() throws Exception {
        try (ScratchDirectory data = new ScratchDirectory("bbs-threads");
             ClusterWithClient running = ClusterWithClient.start(TestCluster.config(data.path(), 3))) {
            EmbeddedCluster cluster = running.cluster();
            Await.until(Duration.ofSeconds(15), "every server ready",
                    () -> cluster.runningServers().size() == 3 && cluster.runningServers().stream().allMatch(BoardServer::ready));
            assertTrue(running.client().login("ana").ok());
            assertTrue(running.client().createChannel("busy").ok());
            List<ZMQ.Socket> clients = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                ZMQ.Socket socket = running.context().createSocket(SocketType.DEALER);
                socket.setReceiveTimeOut(0);
                socket.connect(cluster.config().clientEndpoint());
                clients.add(socket);
            }
            Map<String, Integer> idle = threadsByRole();

            for (int i = 0; i < IN_FLIGHT; i++) {
                ZMsg request = new ZMsg();
                request.add(new byte[0]); // as a REQ socket sends it
                request.add(new Envelope("publish", Map.of("user", "ana", "channel", "busy", "message", "post " + i))
                        .encode());
                request.send(clients.get(i));
            }
            Map<String, Integer> busiest = new TreeMap<>(idle);
            int answered = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            try (ZMQ.Poller replies = running.context().createPoller(IN_FLIGHT)) {
                clients.forEach(socket -> replies.register(socket, ZMQ.Poller.POLLIN));
                while (answered < IN_FLIGHT && System.nanoTime() < deadline) {
                    threadsByRole().forEach((role, count) -> busiest.merge(role, count, Math::max));
                    replies.poll(20); // a bounded wait, so the threads are sampled while replies come in
                    for (int i = 0; i < IN_FLIGHT; i++) {
                        ZMsg reply = replies.pollin(i) ? ZMsg.recvMsg(clients.get(i), ZMQ.DONTWAIT) : null;
                        if (reply != null) {
                            Map<String, Object> answer = Envelope.decode(reply.getLast().getData()).data();
                            assertEquals("OK", answer.get("status"), "reply " + i + ": " + answer);
                            answered++;
                        }
                    }
                }
            }
            assertEquals(IN_FLIGHT, answered, "writes answered within 30 s");
            assertEquals(idle, busiest, "threads per role, idle and while " + IN_FLIGHT + " writes were in flight");
        }
    }

    /**
     * Live threads by the role that started them (their names start with it). Enumerated from the thread groups, which
     * needs no safepoint; {@code Thread.getAllStackTraces}, called in this loop, would stop every thread each time.
     */
    private static Map<String, Integer> threadsByRole() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        int count = root.enumerate(threads, true);
        Map<String, Integer> counts = new TreeMap<>();
        for (int t = 0; t < count; t++) {
            String name = threads[t].getName();
            for (String role : List.of("server-", "broker-", "proxy-", "reference-")) {
                if (name.startsWith(role)) {
                    counts.merge(role + "*", 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
