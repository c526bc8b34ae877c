package org.bulletinboard.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Envelope;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Services;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.CatchUpPage;
import org.bulletinboard.server.store.CheckpointPart;
import org.bulletinboard.server.store.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code catchup} exchange through its wire format, as the catch-up thread and a peer's socket run it. */
class CatchUpResponderTest {
    @TempDir
    Path source;
    @TempDir
    Path wiped;

    @Test
    void anUnreadableEventInAPageIsSkippedAndTheRestTaken() throws Exception {
        Map<String, Object> good = Map.of("origin", "s1.aaaaaa", "seq", 2L, "lamport", 3L, "timestamp", 10L,
                "type", "login", "user", "ana");
        Map<String, Object> bad = Map.of("origin", "s1.aaaaaa", "seq", 1L, "lamport", 2L, "timestamp", 10L,
                "type", "post", "user", "ana"); // a post without channel or text
        CatchUpPage page = ReplicationMessages.catchUpPage(Map.of("events", List.of(bad, good, "not an event"),
                "more", false));
        assertEquals(List.of("s1.aaaaaa:2"), page.events().stream().map(Event::id).toList());
    }

    @Test
    void aWipedServerTakesThePeersCheckpointPartByPartThenItsEvents() throws Exception {
        try (BoardStore from = BoardStore.open(source, "s1", Stamper.systemClock(), 100)) {
            for (int c = 0; c < 3; c++) {
                from.appendLocal(Event.channelCreated("channel" + c));
            }
            for (int i = 0; i < 3_000; i++) {
                from.appendLocal(Event.post("user" + i % 7, "channel" + i % 3, "post " + i + " " + "x".repeat(400)));
            }
        } // closing checkpoints everything: only the checkpoint can serve a wiped peer now
        try (BoardStore to = BoardStore.open(wiped, "s2", Stamper.systemClock());
             BoardStore reopened = BoardStore.open(source, "s1", Stamper.systemClock(), 100)) {
            CatchUpResponder responder = new CatchUpResponder(reopened);
            CheckpointTaking taking = null;
            int parts = 0;
            CatchUpPage page;
            do {
                page = ask(responder, ReplicationMessages.catchUpRequest("s2", to.versionVector(), to.heldAboveGaps(),
                        taking == null ? -1 : taking.at(), taking == null ? 0 : taking.nextPart()));
                assertNotNull(page.checkpoint(), "a peer that lacks what the checkpoint covers gets the checkpoint");
                to.applyReplicated(page.events());
                taking = CheckpointTaking.with(taking, page.checkpoint());
                parts++;
                assertTrue(parts < 100, "parts advance: " + parts + " so far");
            } while (!taking.complete());
            assertTrue(parts > 1, "about 1 MiB per part: " + parts);
            CheckpointPart last = page.checkpoint();
            to.adopt(taking.users(), taking.channels(), last.covers(), last.maxLamport());
            assertEquals(reopened.view(), to.view());
            assertEquals(reopened.digest(), to.digest(), "the same events covered");

            CatchUpPage nothing = ask(responder, ReplicationMessages.catchUpRequest("s2", to.versionVector(),
                    to.heldAboveGaps(), -1, 0));
            assertTrue(nothing.events().isEmpty());
            assertNull(nothing.checkpoint(), "a peer that holds the checkpoint's events is answered from memory");
        }
        assertEquals(BoardStore.read(source), BoardStore.read(wiped));
    }

    @Test
    void aPartOfACheckpointNoLongerServedStartsTheLatestAgain() throws Exception {
        try (BoardStore store = BoardStore.open(source, "s1", Stamper.systemClock(), 1)) {
            store.appendLocal(Event.login("ana"));
            store.appendLocal(Event.login("bob"));
            CatchUpResponder responder = new CatchUpResponder(store);
            CatchUpPage page = ask(responder, ReplicationMessages.catchUpRequest("s2", Map.of(), Map.of(), 12_345, 3));
            assertNotNull(page.checkpoint());
            assertEquals(0, page.checkpoint().part(), "part 0 of the checkpoint served now");
            for (Object asked : new Object[] {Map.of("at", -1L, "part", 0L), Map.of("at", 5L), "part 2"}) {
                Map<String, Object> data = new HashMap<>(ReplicationMessages.catchUpRequest("s2", Map.of(), Map.of(), -1, 0));
                data.put("checkpoint", asked);
                ProtocolException e = assertThrows(ProtocolException.class,
                        () -> responder.handle(new Envelope(Services.CATCH_UP, data)), "checkpoint " + asked);
                assertTrue(e.getMessage().contains("checkpoint") || e.getMessage().contains("part"), e.getMessage());
            }
        }
    }

    /** One request and its answer, each through the wire format. */
    private static CatchUpPage ask(CatchUpResponder responder, Map<String, Object> request) throws Exception {
        Map<String, Object> reply = responder.handle(Envelope.decode(new Envelope(Services.CATCH_UP, request).encode()));
        return ReplicationMessages.catchUpPage(Envelope.decode(new Envelope(Services.CATCH_UP, reply).encode()).data());
    }
}
