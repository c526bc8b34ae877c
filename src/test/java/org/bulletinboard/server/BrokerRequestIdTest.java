package org.bulletinboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Replies;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write without a client request_id is known by the broker's id: handed to a server twice, it is applied once. */
class BrokerRequestIdTest {
    @TempDir
    Path data;

    @Test
    void aWriteTheBrokerHandsOnAgainIsAppliedOnceAndAnsweredAsTheFirstTime() throws Exception {
        try (BoardStore store = BoardStore.open(data, "s1", Stamper.systemClock())) {
            ClientServices services = new ClientServices(store, () -> { }, () -> Map.of());
            services.handle(new Envelope("channel", Map.of("channel", "lobby")));
            services.takeStaged();

            assertEquals("OK", publish(services, "b1.7").get("status"));
            ClientServices.Staged first = services.takeStaged();
            assertFalse(first.retry(), "the first time it is written");
            assertEquals("OK", publish(services, "b1.7").get("status"));
            ClientServices.Staged again = services.takeStaged();
            assertEquals(new ClientServices.Staged(first.event(), true), again,
                    "the second time it is known: its event goes to the peers again, not written again");
            assertEquals("OK", publish(services, "b1.8").get("status"));
            assertFalse(services.takeStaged().retry(), "another request of the same text is another write");
            assertEquals(2, store.view().posts().get("lobby").size());
        }
    }

    @Test
    void aWriteHandedOnAfterItsServerWasLostIsNotAppliedASecondTime() throws Exception {
        try (BoardStore store = BoardStore.open(data, "s1", Stamper.systemClock())) {
            ClientServices services = new ClientServices(store, () -> { }, () -> Map.of());
            services.handle(new Envelope("channel", Map.of("channel", "lobby")));
            services.takeStaged();

            services.fromBroker("b1.9", true);
            ProtocolException unknown = assertThrows(ProtocolException.class, () -> services.handle(
                    new Envelope("publish", Map.of("user", "ana", "channel", "lobby", "message", "hi"))));
            assertTrue(unknown.getMessage().startsWith(Replies.OUTCOME_UNKNOWN), unknown.getMessage());
            assertNull(services.takeStaged());
            assertEquals(Map.of(), store.view().posts(), "not applied here: its first server may have");
        }
    }

    private static Map<String, Object> publish(ClientServices services, String brokerId) throws ProtocolException {
        services.fromBroker(brokerId, false);
        return services.handle(new Envelope("publish", Map.of("user", "ana", "channel", "lobby", "message", "hi")));
    }
}
