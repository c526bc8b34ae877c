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
    void aWipedServerPagesThroughThePeersLogByCursor() throws Exception {
        try (BoardStore from = BoardStore.open(source, "s1", Stamper.systemClock(), 100)) {
            from.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 2_500; i++) {
                from.appendLocal(Event.post("user" + i % 7, "general", "post " + i + " " + "x".repeat(400)));
            }
        } // closing checkpoints everything: only a scan of the log can serve a wiped peer now
        try (BoardStore to = BoardStore.open(wiped, "s2", Stamper.systemClock());
             BoardStore reopened = BoardStore.open(source, "s1", Stamper.systemClock(), 100)) {
            CatchUpResponder responder = new CatchUpResponder(reopened);
            Map<String, Long> after = new HashMap<>(to.versionVector());
            Long cursor = null;
            int pages = 0;
            CatchUpPage page;
            do {
                Envelope request = new Envelope(Services.CATCH_UP, ReplicationMessages.catchUpRequest("s2", after, cursor));
                Map<String, Object> reply = responder.handle(Envelope.decode(request.encode()));
                page = ReplicationMessages.catchUpPage(Envelope.decode(new Envelope(Services.CATCH_UP, reply).encode()).data());
                assertNotNull(page.cursor(), "answered from the log, with where to continue");
                to.applyReplicated(page.events());
                cursor = page.cursor();
                pages++;
                assertTrue(pages < 100, "the cursor moves on: " + pages + " pages so far");
            } while (page.more());
            assertTrue(pages > 1, "about 1 MiB per page: " + pages);
            assertEquals(reopened.eventCount(), to.eventCount());
            assertEquals(BoardStore.read(source), BoardStore.read(wiped));

            Envelope caughtUp = new Envelope(Services.CATCH_UP,
                    ReplicationMessages.catchUpRequest("s2", to.versionVector(), null));
            CatchUpPage nothing = ReplicationMessages.catchUpPage(responder.handle(Envelope.decode(caughtUp.encode())));
            assertTrue(nothing.events().isEmpty());
            assertNull(nothing.cursor(), "a peer that lacks nothing older is answered from memory");
        }
    }

    @Test
    void aCursorThatIsNotTheStartOfAnEventIsRefused() throws Exception {
        try (BoardStore store = BoardStore.open(source, "s1", Stamper.systemClock())) {
            store.appendLocal(Event.login("ana"));
            store.appendLocal(Event.login("bob"));
            CatchUpResponder responder = new CatchUpResponder(store);
            for (long cursor : new long[] {-5, 7, 1_000_000}) {
                Map<String, Object> data = new HashMap<>(ReplicationMessages.catchUpRequest("s2", Map.of(), cursor));
                ProtocolException e = assertThrows(ProtocolException.class,
                        () -> responder.handle(new Envelope(Services.CATCH_UP, data)), "cursor " + cursor);
                assertTrue(e.getMessage().contains("cursor"), e.getMessage());
            }
        }
    }
}
