package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bulletinboard.client.StatusTable;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.api.Reply;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;
import org.bulletinboard.server.store.Event;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.RawClient;
import org.bulletinboard.support.SharedClusterTest;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** The whole cluster in-process on loopback: every service through the broker, publications through the proxy. */
class ClusterIntegrationTest extends SharedClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void statusShowsEveryServerWithOneCoordinator() throws Exception {
        assertTrue(client.login("statuscheck").ok());
        Await.until(WAIT, "one coordinator known to every server", () -> cluster.agreedCoordinator().isPresent());
        Reply status = client.call("status", Map.of());
        assertTrue(status.ok(), status.error());
        List<Map<?, ?>> rows = status.maps("servers");
        assertEquals(List.of("server-1", "server-2", "server-3"),
                rows.stream().map(r -> (String) r.get("name")).sorted().toList());
        assertEquals(1, rows.stream().filter(r -> Boolean.TRUE.equals(r.get("coordinator"))).count());
        assertEquals(cluster.server(0).coordinator(), status.data().get("coordinator"));
        for (Map<?, ?> row : rows) {
            assertEquals(true, row.get("ready"), row.toString());
            assertInstanceOf(Long.class, row.get("clock"), "the Lamport clock");
            assertInstanceOf(Double.class, row.get("offset_ms"), "the clock offset from the coordinator");
            assertTrue(((Number) row.get("events")).longValue() >= 1, row.toString());
            assertTrue(((Number) row.get("heartbeat_age_ms")).longValue() >= 0, row.toString());
        }
        String table = StatusTable.render(status);
        assertTrue(table.contains("coordinator") && table.contains("server-2") && table.contains("CLOCK OFFSET"), table);
    }

    @Test
    void everyServiceWorksAndAllThreeServersHoldTheSameData() throws Exception {
        assertTrue(client.login("alice").ok());
        assertEquals("sucesso", client.login("bob").data().get("status"));
        assertTrue(client.users().strings("users").containsAll(List.of("alice", "bob")));

        assertEquals("sucesso", client.createChannel("general").data().get("status"));
        Reply again = client.createChannel("general");
        assertFalse(again.ok());
        assertEquals("erro", again.data().get("status"));
        assertTrue(again.error().contains("already exists"), again.error());

        Reply channels = client.channels();
        assertTrue(channels.strings("channels").contains("general"));
        assertEquals(channels.strings("channels"), channels.strings("users"), "course typo key carries the same list");

        try (ZMQ.Socket subscriber = context.createSocket(SocketType.SUB)) {
            subscriber.setReceiveTimeOut(200);
            subscriber.connect(cluster.config().subscriberEndpoint());
            subscriber.subscribe("general".getBytes(ZMQ.CHARSET));
            subscriber.subscribe("bob".getBytes(ZMQ.CHARSET));
            awaitSubscription(subscriber, "general", () -> client.publish("alice", "general", "probe"));

            Reply published = client.publish("alice", "general", "hello world");
            assertEquals("OK", published.data().get("status"));
            Envelope post = receive(subscriber, "general", "hello world");
            assertEquals("publish", post.service());
            assertEquals("alice", post.data().get("user"));
            assertEquals("general", post.data().get("channel"));
            assertInstanceOf(Double.class, post.data().get("timestamp"));
            assertInstanceOf(Long.class, post.data().get("clock"));

            awaitSubscription(subscriber, "bob", () -> client.message("alice", "bob", "probe"));
            assertEquals("OK", client.message("alice", "bob", "hi bob").data().get("status"));
            Envelope direct = receive(subscriber, "bob", "hi bob");
            assertEquals("message", direct.service());
            assertEquals("alice", direct.data().get("src"));
            assertEquals("bob", direct.data().get("dst"));
        }

        Reply history = client.history("general", 50);
        assertEquals("OK", history.data().get("status"));
        List<Map<?, ?>> posts = history.maps("messages");
        Map<?, ?> last = posts.get(posts.size() - 1);
        assertEquals("hello world", last.get("message"));
        assertEquals("alice", last.get("user"));
        assertEquals("general", last.get("channel"));
        assertInstanceOf(Double.class, last.get("timestamp"));
        for (int i = 1; i < posts.size(); i++) {
            assertTrue((Long) posts.get(i - 1).get("clock") < (Long) posts.get(i).get("clock"), "history in Lamport order");
        }
        assertEquals(1, client.history("general", 1).maps("messages").size());
        Reply inbox = client.inbox("bob", 50);
        assertEquals("hi bob", inbox.maps("messages").get(inbox.maps("messages").size() - 1).get("message"));
        assertEquals("alice", inbox.maps("messages").get(0).get("src"));
        assertEquals(List.of(), client.inbox("nobody-yet", 5).maps("messages"));
        assertTrue(client.history("no-such-channel", 5).error().contains("does not exist"));

        Reply toNobody = client.message("alice", "nobody", "hello?");
        assertEquals("erro", toNobody.data().get("status"));
        assertTrue(((String) toNobody.data().get("message")).contains("does not exist"));
        Reply toNoChannel = client.publish("alice", "no-such-channel", "hello?");
        assertEquals("erro", toNoChannel.data().get("status"));
        assertTrue(((String) toNoChannel.data().get("message")).contains("does not exist"));

        Supplier<BoardView> first = () -> readDataDir(0);
        for (int i = 1; i < 3; i++) {
            int server = i;
            Await.equal(WAIT, cluster.serverName(i) + "'s data directory to match server-1's", first, () -> readDataDir(server));
        }
        BoardView view = readDataDir(0);
        assertTrue(view.users().keySet().containsAll(List.of("alice", "bob")));
        assertTrue(view.users().get("alice").lastLogin() >= view.users().get("alice").firstLogin());
        assertTrue(view.channels().containsKey("general"));
        assertTrue(view.posts().get("general").stream().map(Event::message).anyMatch("hello world"::equals));
        assertTrue(view.messages().get("bob").stream().map(Event::message).anyMatch("hi bob"::equals));
    }

    @Test
    void badInputGetsAnErroReplyAndNoServerWedges() {
        try (RawClient raw = new RawClient(cluster.config().clientEndpoint())) {
            assertError(raw.send(new byte[] {(byte) 0xc1}), "error", "malformed MessagePack");
            assertError(raw.send(new byte[] {(byte) 0x82, (byte) 0xa7}), "error", "malformed MessagePack");
            assertError(raw.send(List.of("login", "alice")), "error", "payload must be a map");
            assertError(raw.send("just a string"), "error", "payload must be a map");
            assertError(raw.send(Map.of("data", Map.of())), "error", "missing field 'service'");
            assertError(raw.send(Map.of("service", "login", "data", List.of())), "login", "'data' must be a map");
            assertError(raw.call("dance", Map.of()), "dance", "unknown service 'dance'");
            assertError(raw.call("login", Map.of()), "login", "missing field 'user'");
            assertError(raw.call("login", Map.of("user", 42L)), "login", "must be a string");
            assertError(raw.call("login", Map.of("user", "x".repeat(65))), "login", "longer than 64");
            assertError(raw.call("login", Map.of("user", "bad\nname")), "login", "control characters");
            assertError(raw.call("login", Map.of("user", "carol", "clock", "soon")), "login", "'clock' must be an integer");
            assertError(raw.call("channel", Map.of("channel", "")), "channel", "must not be empty");
            assertError(raw.call("publish", Map.of("user", "alice", "channel", "general", "message", "y".repeat(4097))),
                    "publish", "longer than 4096");
            assertError(raw.call("history", Map.of("channel", "general", "limit", 0L)), "history", "between 1 and 500");
            assertError(raw.call("history", Map.of("channel", "general", "limit", "all")), "history", "must be an integer");
            assertError(raw.call("inbox", Map.of()), "inbox", "missing field 'user'");
            Envelope missingDst = raw.call("message", Map.of("src", "alice", "message", "hi"));
            assertError(missingDst, "message", "missing field 'dst'");
            assertEquals("missing field 'dst'", missingDst.data().get("message"), "publish/message carry the text under 'message'");

            // Every server still answers: the broker hands sequential requests to the least loaded server, the one
            // given a request least recently among equals, so they cycle through all of them.
            for (int i = 0; i < 3 * cluster.config().servers(); i++) {
                Envelope users = raw.call("users", Map.of());
                assertEquals("users", users.service());
                assertInstanceOf(List.class, users.data().get("users"));
            }
        }
    }

    @Test
    void clientsWithoutClockOrWithOtherTimestampFormsAreServed() {
        try (RawClient raw = new RawClient(cluster.config().clientEndpoint())) {
            assertEquals("sucesso", raw.call("login", Map.of("user", "dave")).data().get("status"));
            assertEquals("sucesso", raw.call("login", Map.of("user", "erin", "timestamp", "2026-11-22T10:15:30Z",
                    "clock", 7L)).data().get("status"));
            assertEquals("sucesso", raw.call("login", Map.of("user", "frank", "timestamp", 1_790_000_000_000L))
                    .data().get("status"));
            Envelope bare = raw.send(Map.of("service", "users"));
            assertTrue(((List<?>) bare.data().get("users")).containsAll(List.of("dave", "erin", "frank")));
            Envelope withClock = raw.call("users", Map.of("clock", 1_000_000L));
            assertTrue((Long) withClock.data().get("clock") > 1_000_000L, "reply clock follows max(local, received)+1");
        }
    }

    @Test
    void aClientClockNearTheBoundIsTakenAsABoundedJumpAndTheClusterStaysWhole() throws Exception {
        try (RawClient raw = new RawClient(cluster.config().clientEndpoint())) {
            Envelope reply = raw.call("login", Map.of("user", "clockbomb", "clock", LamportClock.MAX - 1000));
            assertEquals("sucesso", reply.data().get("status"));
            assertTrue((Long) reply.data().get("clock") < LamportClock.MAX - 1000, "the jump was bounded");
        }
        assertTrue(client.createChannel("afterbomb").ok());
        for (int i = 0; i < 20; i++) {
            assertTrue(client.publish("clockbomb", "afterbomb", "after the bomb " + i).ok());
        }
        Await.until(WAIT, "every server to hold every post", () -> List.of(0, 1, 2).stream()
                .allMatch(i -> cluster.server(i).view().posts().getOrDefault("afterbomb", List.of()).size() == 20));
        assertTrue(client.call("status", Map.of()).ok(), "status still reads every server");
    }

    private static void assertError(Envelope reply, String service, String descriptionPart) {
        assertEquals(service, reply.service());
        assertEquals("erro", reply.data().get("status"));
        String description = (String) reply.data().get("description");
        assertNotNull(description, "erro reply without a description");
        assertTrue(description.contains(descriptionPart), "description '" + description + "' lacks '" + descriptionPart + "'");
    }

    /** Publishes probes until the proxy has our subscription (ZeroMQ subscriptions propagate asynchronously). */
    private static void awaitSubscription(ZMQ.Socket subscriber, String topic, ThrowingAction probe) {
        Await.until(WAIT, "subscription to '" + topic + "' to reach the publishers", () -> {
            probe.runUnchecked();
            ZMsg message = ZMsg.recvMsg(subscriber);
            return message != null && topic.equals(message.popString());
        });
        ZMsg leftover;
        while ((leftover = ZMsg.recvMsg(subscriber, ZMQ.DONTWAIT)) != null) {
            leftover.destroy();
        }
    }

    private static Envelope receive(ZMQ.Socket subscriber, String topic, String text) throws ProtocolException {
        for (int tries = 0; tries < 50; tries++) {
            ZMsg message = ZMsg.recvMsg(subscriber);
            if (message == null) {
                continue;
            }
            String gotTopic = message.popString();
            Envelope payload = Envelope.decode(message.getLast().getData());
            if (topic.equals(gotTopic) && text.equals(payload.data().get("message"))) {
                return payload;
            }
        }
        throw new AssertionError("publication '" + text + "' on '" + topic + "' never arrived");
    }

    private BoardView readDataDir(int server) {
        try {
            return BoardStore.read(cluster.dataDir(server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface ThrowingAction {
        void run() throws Exception;

        default void runUnchecked() {
            try {
                run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
