package org.bulletinboard.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.support.Await;
import org.bulletinboard.support.FreePorts;
import org.bulletinboard.support.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReferenceServerTest {
    private ReferenceServer reference;
    private RawClient client;

    @BeforeEach
    void start() {
        String endpoint = "tcp://127.0.0.1:" + FreePorts.block(1);
        reference = ReferenceServer.start(new ReferenceServer.Config(endpoint, Duration.ofMillis(400)),
                new SimpleMeterRegistry());
        client = new RawClient(endpoint);
    }

    @AfterEach
    void stop() {
        client.close();
        reference.close();
    }

    @Test
    void ranksAreUniqueAndStablePerName() {
        assertEquals(1L, rank("server-a"));
        assertEquals(2L, rank("server-b"));
        assertEquals(1L, rank("server-a"), "asking again keeps the rank");
        assertEquals(3L, rank("server-c"));
    }

    @Test
    void aServerGetsTheRankItClaimsBesideTheCoursesFieldsWithinBounds() {
        assertEquals(3L, client.call("rank", Map.of("user", "server-c", "rank", 3)).data().get("rank"));
        assertEquals(4L, rank("unclaimed"), "above every claim");
        Envelope refused = client.call("rank", Map.of("user", "server-x", "rank", ReferenceServer.MAX_CLAIMED_RANK + 1));
        assertEquals("erro", refused.data().get("status"));
        assertTrue(String.valueOf(refused.data().get("description")).contains("field 'rank'"), refused.data().toString());
    }

    @Test
    void listsLiveServersWithRankAndAddress() {
        client.call("rank", Map.of("user", "server-a", "address", "tcp://a:5560"));
        client.call("rank", Map.of("user", "server-b"));
        assertEquals(List.of(Map.of("name", "server-a", "rank", 1L, "address", "tcp://a:5560"),
                Map.of("name", "server-b", "rank", 2L)), list());
    }

    @Test
    void aHeartbeatReplyCarriesTheLiveListBesideTheCoursesFields() {
        client.call("rank", Map.of("user", "server-a", "address", "tcp://a:5560"));
        Envelope beat = client.call("heartbeat", Map.of("user", "server-b"));
        assertEquals("OK", beat.data().get("status"));
        assertEquals(2L, beat.data().get("rank"));
        assertEquals(list(), beat.data().get("list"));
        assertEquals(List.of("server-a", "server-b"), names());
    }

    @Test
    void aSilentServerDropsOutAndComesBackWithItsRank() {
        rank("server-a");
        rank("server-b");
        Await.until(Duration.ofSeconds(5), "server-b to miss its heartbeats", () -> {
            assertEquals("OK", client.call("heartbeat", Map.of("user", "server-a")).data().get("status"));
            return names().equals(List.of("server-a"));
        });
        Envelope beat = client.call("heartbeat", Map.of("user", "server-b"));
        assertEquals(2L, beat.data().get("rank"));
        assertEquals(List.of("server-a", "server-b"), names());
    }

    @Test
    void aHeartbeatFromAnUnknownServerRegistersIt() {
        Envelope beat = client.call("heartbeat", Map.of("user", "server-new"));
        assertEquals(1L, beat.data().get("rank"));
        assertEquals(List.of("server-new"), names());
    }

    @Test
    void badRequestsGetErroAndTheSocketKeepsAnswering() {
        assertEquals("erro", client.send(new byte[] {(byte) 0xc1}).data().get("status"));
        Envelope unknown = client.call("dance", Map.of());
        assertEquals("erro", unknown.data().get("status"));
        assertTrue(((String) unknown.data().get("description")).contains("unknown service"));
        assertEquals("erro", client.call("rank", Map.of("user", 5L)).data().get("status"));
        assertEquals("erro", client.call("rank", Map.of()).data().get("status"));
        assertEquals(1L, rank("server-a"));
    }

    @Test
    void anAddressWithAControlCharacterOrTooLongIsRefused() {
        Envelope control = client.call("rank", Map.of("user", "server-a", "address", "tcp://a:5560\n"));
        assertEquals("erro", control.data().get("status"));
        assertTrue(((String) control.data().get("description")).contains("printable characters"));
        String tooLong = "tcp://" + "a".repeat(ReferenceServer.MAX_ADDRESS_LENGTH) + ":5560";
        assertEquals("erro", client.call("rank", Map.of("user", "server-a", "address", tooLong)).data().get("status"));
        assertEquals(List.of(), list(), "neither registered");
    }

    private long rank(String name) {
        return (Long) client.call("rank", Map.of("user", name)).data().get("rank");
    }

    private List<?> list() {
        return (List<?>) client.call("list", Map.of()).data().get("list");
    }

    private List<String> names() {
        return list().stream().map(entry -> (String) ((Map<?, ?>) entry).get("name")).toList();
    }
}
