package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAndCatchUpTest {
    private static final int CHECKPOINT_EVERY = 8;

    @TempDir
    Path a;
    @TempDir
    Path b;

    @Test
    void checkpointsKeepTheStateAndTheLogKeepsAllHistory() throws Exception {
        BoardView before;
        BoardStore crashed = BoardStore.open(a, "s1", Stamper.systemClock(), CHECKPOINT_EVERY);
        crashed.appendLocal(Event.channelCreated("general"));
        for (int i = 0; i < 50; i++) {
            crashed.appendLocal(Event.login("user" + i % 4));
            crashed.appendLocal(Event.post("user" + i % 4, "general", "post " + i));
        }
        crashed.awaitCheckpoints();
        assertTrue(Files.exists(a.resolve(Snapshot.FILE)), "checkpointed while running");
        assertEquals(101, lines(a.resolve(BoardStore.LOG_FILE)), "the log keeps every event");
        before = crashed.view();
        crashed.crash(); // start-up reads the snapshot and the log after it
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), CHECKPOINT_EVERY)) {
            assertEquals(before, store.view());
            assertEquals(101, store.eventCount());
            assertEquals(1, store.appendLocal(Event.login("late")).event().seq(), "a new origin's first event");
        }
        Snapshot last = Snapshot.read(a);
        assertEquals(Files.size(a.resolve(BoardStore.LOG_FILE)), last.logPosition(), "closing checkpoints everything");
        assertEquals(50, BoardStore.read(a).posts().get("general").size());
    }

    @Test
    void memoryHoldsTheLatestPostsAndTheLogTheRest() throws IOException {
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), 100)) {
            store.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 700; i++) {
                store.appendLocal(Event.post("ana", "general", "post " + i));
            }
            List<Event> latest = store.channelHistory("general", null, 500);
            assertEquals(500, latest.size());
            assertEquals("post 200", latest.get(0).message());
            assertEquals("post 699", latest.get(499).message());
            assertEquals(500, store.view().postCount());
        }
        assertEquals(700, BoardStore.read(a).postCount());
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), 100)) {
            assertEquals("post 690", store.channelHistory("general", null, 10).get(0).message(), "restored window");
        }
    }

    @Test
    void aRequestIdIsAppliedOnceAndTheSameEventWinsEverywhere() throws IOException {
        Event first = Event.post("ana", "general", "hello").withRequest("r-1").stamped("s1.aaaaaa", 1, 5, 1000);
        Event retry = Event.post("ana", "general", "hello").withRequest("r-1").stamped("s2.bbbbbb", 1, 7, 1001);
        try (BoardStore one = BoardStore.open(a, "x", Stamper.systemClock());
             BoardStore two = BoardStore.open(b, "y", Stamper.systemClock())) {
            one.applyReplicated(List.of(first, retry));
            two.applyReplicated(List.of(retry));
            two.applyReplicated(List.of(first));
            assertEquals(one.view(), two.view());
            // the board holds the winner without its request id, which it keeps apart
            assertEquals(List.of(first.withRequest(null)), one.view().posts().get("general"));
            assertTrue(one.appendLocal(Event.post("ana", "general", "hello").withRequest("r-1")).duplicate());
            assertTrue(one.appendLocal(Event.login("ana").withRequest("r-2")).event() != null);
            assertTrue(one.appendLocal(Event.login("ana").withRequest("r-2")).duplicate());
            assertEquals(1, one.view().postCount());
        }
    }

    @Test
    void aRecentRequestIsRecognisedAfterARestartPastCheckpoints() throws IOException {
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), CHECKPOINT_EVERY)) {
            store.appendLocal(Event.channelCreated("general"));
            store.appendLocal(Event.post("ana", "general", "once").withRequest("r-1"));
            for (int i = 0; i < 3 * CHECKPOINT_EVERY; i++) {
                store.appendLocal(Event.login("user" + i));
            }
        }
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), CHECKPOINT_EVERY)) {
            assertTrue(store.hasRequest("r-1"), "read back from the log before the snapshot");
            assertTrue(store.appendLocal(Event.post("ana", "general", "once").withRequest("r-1")).duplicate());
            assertEquals(1, store.channelHistory("general", null, 10).size());
        }
    }

    @Test
    void aWipedPeerCatchesUpFromTheLogThenFromMemory() throws IOException {
        try (BoardStore source = BoardStore.open(a, "s1", Stamper.systemClock(), CHECKPOINT_EVERY);
             BoardStore wiped = BoardStore.open(b, "s2", Stamper.systemClock(), CHECKPOINT_EVERY)) {
            source.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 40; i++) {
                source.appendLocal(Event.login("user" + i));
                source.appendLocal(Event.post("user" + i, "general", "x".repeat(1000) + i));
            }
            assertTrue(pull(source, wiped, 4_000) > 1, "the log is read in several pages");
            assertEquals(source.view(), wiped.view());
            assertEquals(source.eventCount(), wiped.eventCount());

            source.appendLocal(Event.post("user1", "general", "news"));
            CatchUpPage fromMemory = source.catchUpPage(wiped.versionVector(), null, 4_000);
            assertNull(fromMemory.cursor(), "only events since the last checkpoint are lacking");
            assertEquals("news", fromMemory.events().get(0).message());
            pull(source, wiped, 4_000);
            assertTrue(source.catchUpPage(wiped.versionVector(), null, 4_000).events().isEmpty(), "nothing left");
        }
        assertEquals(BoardStore.read(a), BoardStore.read(b));
    }

    @Test
    void eventsThatArrivedInOneReplicatedBatchAreServedToCatchUpEachOnce() throws Exception {
        try (BoardStore relay = BoardStore.open(a, "s1", Stamper.systemClock(), CHECKPOINT_EVERY);
             BoardStore wiped = BoardStore.open(b, "s2", Stamper.systemClock(), CHECKPOINT_EVERY)) {
            List<Event> batch = new ArrayList<>();
            for (long seq = 1; seq <= 5; seq++) {
                batch.add(Event.fromWire(Map.of("origin", "s9.abcdef", "seq", seq, "lamport", seq, "timestamp", 1L,
                        "type", "login", "user", "user" + seq)));
            }
            relay.applyReplicated(batch); // one frame from a peer: one write to the log
            CatchUpPage fromMemory = relay.catchUpPage(Map.of(), null, 1 << 20);
            assertNull(fromMemory.cursor(), "served from memory");
            assertEquals(batch, fromMemory.events(), "each event of the batch, once, in order");
            pull(relay, wiped, 1 << 20);
            assertEquals(relay.view(), wiped.view());
        }
    }

    @Test
    void aWipedDataDirectoryGetsANewOrigin() throws IOException {
        String before;
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock())) {
            before = store.appendLocal(Event.login("ana")).event().origin();
        }
        FileTree.delete(a);
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock())) {
            Event next = store.appendLocal(Event.login("ana")).event();
            assertTrue(next.origin().startsWith("s1."), next.origin());
            assertNotEquals(before, next.origin(), "seq 1 of the new origin is not seq 1 of the old one");
        }
    }

    /** What the catch-up thread does, without sockets: pages until done; returns how many pages it took. */
    private static int pull(BoardStore from, BoardStore to, long pageBytes) throws IOException {
        Map<String, Long> after = new HashMap<>(to.versionVector());
        Long cursor = null;
        CatchUpPage page;
        int pages = 0;
        do {
            page = from.catchUpPage(after, cursor, pageBytes);
            pages++;
            to.applyReplicated(page.events());
            cursor = page.cursor();
            if (cursor == null) {
                page.events().forEach(e -> after.merge(e.origin(), e.seq(), Math::max));
            } else {
                assertNotNull(page.events());
            }
        } while (page.more());
        return pages;
    }

    private static long lines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }
}
