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
import java.util.List;
import java.util.Map;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionAndCatchUpTest {
    private static final int COMPACT_AFTER = 8;

    @TempDir
    Path a;
    @TempDir
    Path b;

    @Test
    void compactionKeepsTheStateAndBoundsTheLog() throws IOException {
        BoardView before;
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), COMPACT_AFTER)) {
            store.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 50; i++) {
                store.appendLocal(Event.login("user" + i % 4));
                store.appendLocal(Event.post("user" + i % 4, "general", "post " + i));
            }
            assertTrue(Files.exists(a.resolve(Snapshot.FILE)), "compacted while running");
            assertTrue(lines(a.resolve(BoardStore.LOG_FILE)) < 101, "the log no longer holds every event");
            before = store.view();
            assertEquals(101, store.eventCount());
        }
        assertEquals(0, Files.size(a.resolve(BoardStore.LOG_FILE)), "closing compacts everything");
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), COMPACT_AFTER)) {
            assertEquals(before, store.view());
            assertEquals(101, store.eventCount());
            assertEquals(102, store.appendLocal(Event.login("late")).event().seq(), "sequence continues");
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
            assertEquals(List.of(first), one.view().posts().get("general"));
            assertTrue(one.appendLocal(Event.post("ana", "general", "hello").withRequest("r-1")).duplicate());
            assertTrue(one.appendLocal(Event.login("ana").withRequest("r-2")).event() != null);
            assertTrue(one.appendLocal(Event.login("ana").withRequest("r-2")).duplicate());
            assertEquals(1, one.view().postCount());
        }
    }

    @Test
    void aWipedPeerCatchesUpFromEventsAndFoldedState() throws IOException, ProtocolException {
        try (BoardStore source = BoardStore.open(a, "s1", Stamper.systemClock(), COMPACT_AFTER);
             BoardStore wiped = BoardStore.open(b, "s2", Stamper.systemClock(), COMPACT_AFTER)) {
            source.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 40; i++) {
                source.appendLocal(Event.login("user" + i));
                source.appendLocal(Event.post("user" + i, "general", "x".repeat(1000) + i));
            }
            pull(source, wiped, 4_000);
            assertEquals(source.view(), wiped.view());
            assertEquals(source.eventCount(), wiped.eventCount());
            assertNull(source.catchUpPage(wiped.versionVector(), true, 4_000).folded(), "nothing left to send");
            assertTrue(source.catchUpPage(wiped.versionVector(), true, 4_000).events().isEmpty());
        }
        assertEquals(BoardStore.read(a), BoardStore.read(b));
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

    /** What the catch-up thread does, without sockets: pages through the wire format until done. */
    private static void pull(BoardStore from, BoardStore to, long pageBytes) throws IOException, ProtocolException {
        Map<String, Long> after = new HashMap<>(to.versionVector());
        FoldedState folded = null;
        CatchUpPage page;
        boolean first = true;
        int pages = 0;
        do {
            page = from.catchUpPage(after, first, pageBytes);
            if (page.folded() != null) {
                folded = FoldedState.fromWire(page.folded().toWire());
            }
            first = false;
            pages++;
            to.applyReplicated(page.events());
            page.events().forEach(e -> after.merge(e.origin(), e.seq(), Math::max));
        } while (page.more());
        assertNotNull(folded, "the source had compacted logins away, so it sends its folded state");
        assertTrue(pages > 1, "several pages: " + pages);
        to.mergeFolded(folded);
    }

    private static long lines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }
}
