package org.bulletinboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.MsgPackCodec;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.support.SharedClusterTest;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Publications as two kinds of subscriber read them, through the real proxy: one that reads the fields at the top
 * level of the payload (as several teams' clients written against the course text do) and one that reads them
 * under {@code data} (ours). Both must find every field of every kind: posts, private messages, announcements.
 */
class PublicationShapeTest extends SharedClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyFieldOfEveryKindIsThereForTopLevelAndNestedReadersAlike() throws Exception {
        assertTrue(client.login("shaper").ok());
        assertTrue(client.createChannel("shapes").ok());
        ZMQ.Socket subscriber = context.createSocket(SocketType.SUB);
        subscriber.setReceiveTimeOut(200);
        for (String topic : List.of("shapes", "shaper", "servers")) {
            subscriber.subscribe(topic.getBytes(ZMQ.CHARSET));
        }
        subscriber.connect(cluster.config().subscriberEndpoint());

        Map<?, ?> post = receive(subscriber, "shapes", () -> client.publish("shaper", "shapes", "a post"));
        assertBothShapes(post, "publish", List.of("user", "channel", "message", "timestamp", "clock"));
        assertEquals("a post", post.get("message"));

        Map<?, ?> message = receive(subscriber, "shaper", () -> client.message("shaper", "shaper", "a note"));
        assertBothShapes(message, "message", List.of("src", "dst", "user", "message", "timestamp", "clock"));
        assertEquals("shaper", message.get("src"), "a top-level reader learns the sender");

        Map<?, ?> announcement = receive(subscriber, "servers", () -> null); // every heartbeat, by itself
        assertBothShapes(announcement, "election", List.of("coordinator", "rank", "timestamp", "clock"));
    }

    /** Each field is at the top level and under data, with the same value; service and data are untouched. */
    private static void assertBothShapes(Map<?, ?> payload, String service, List<String> fields) {
        assertEquals(service, payload.get("service"));
        Map<?, ?> data = assertInstanceOf(Map.class, payload.get("data"), "data is still a map");
        for (String field : fields) {
            assertNotNull(payload.get(field), service + ": '" + field + "' at the top level of " + payload);
            assertEquals(data.get(field), payload.get(field), service + ": '" + field + "' the same in both places");
        }
        assertInstanceOf(Long.class, payload.get("clock"), "a Lamport clock a subscriber can merge");
        assertInstanceOf(Double.class, payload.get("timestamp"));
    }

    @FunctionalInterface
    private interface Trigger {
        Object fire() throws Exception;
    }

    /** Fires until a publication on {@code topic} arrives (a new subscription takes a moment), decoded as a raw map. */
    private static Map<?, ?> receive(ZMQ.Socket subscriber, String topic, Trigger trigger) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            trigger.fire();
            ZMsg publication = ZMsg.recvMsg(subscriber);
            while (publication != null) {
                if (topic.equals(publication.popString())) {
                    return decode(publication.getLast().getData());
                }
                publication = ZMsg.recvMsg(subscriber, ZMQ.DONTWAIT);
            }
        }
        throw new AssertionError("nothing published on '" + topic + "' within " + WAIT.toSeconds() + " s");
    }

    private static Map<?, ?> decode(byte[] payload) throws ProtocolException {
        return assertInstanceOf(Map.class, MsgPackCodec.decode(payload));
    }
}
