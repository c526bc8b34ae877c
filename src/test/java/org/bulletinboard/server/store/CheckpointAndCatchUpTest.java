package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bulletinboard.protocol.Stamper;
import org.bulletinboard.support.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointAndCatchUpTest {
    private static final int CHECKPOINT_EVERY = 8;
    /** Checkpoints often, segments of a few events: compaction at work in a small test. */
    private static final BoardStore.Settings SMALL =
            BoardStore.Settings.defaults().withCheckpointEvery(CHECKPOINT_EVERY).withSegmentBytes(2_000);

    @TempDir
    Path a;
    @TempDir
    Path b;

    @Test
    void checkpointsKeepTheStateAndTheLogBehindThemIsDeleted() throws Exception {
        BoardView before;
        BoardStore crashed = BoardStore.open(a, "s1", Stamper.systemClock(), SMALL);
        crashed.appendLocal(Event.channelCreated("general"));
        for (int i = 0; i < 50; i++) {
            crashed.appendLocal(Event.login("user" + i % 4));
            crashed.appendLocal(Event.post("user" + i % 4, "general", "post " + i));
        }
        crashed.awaitCheckpoints();
        assertTrue(Files.exists(a.resolve(Snapshot.FILE)), "checkpointed while running");
        assertFalse(Files.exists(EventLog.segmentFile(a, 0)), "the first segment is behind a checkpoint: deleted");
        assertTrue(BoardStore.logBytes(a) < Snapshot.read(a).logPosition(), "the log on disk is less than all written");
        before = crashed.view();
        crashed.crash(); // start-up reads the snapshot and the log after it
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), SMALL)) {
            assertEquals(before, store.view());
            assertEquals(101, store.eventCount());
            assertEquals(1, store.appendLocal(Event.login("late")).event().seq(), "a new origin's first event");
        }
        assertEquals(50, BoardStore.read(a).posts().get("general").size());
    }

    @Test
    void aChannelKeepsItsNewestPostsInHistoryOrderAcrossRestarts() throws IOException {
        BoardStore.Settings keep500 = SMALL.withHistoryKeep(500).withCheckpointEvery(100);
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), keep500)) {
            store.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 700; i++) {
                store.appendLocal(Event.post("ana", "general", "post " + i));
            }
            // A peer's post from a partition, older in history order than every post kept: not kept either.
            store.applyReplicated(List.of(Event.post("bob", "general", "from long ago").stamped("s2.abcdef", 1, 1, 1)));
            List<Event> latest = store.channelHistory("general", null, 500);
            assertEquals(500, latest.size());
            assertEquals("post 200", latest.get(0).message());
            assertEquals("post 699", latest.get(499).message());
            assertEquals(500, store.view().postCount());
        }
        try (BoardStore store = BoardStore.open(a, "s1", Stamper.systemClock(), keep500)) {
            assertEquals("post 690", store.channelHistory("general", null, 10).get(0).message(), "restored window");
            assertEquals(500, store.view().postCount());
        }
        assertEquals(500, BoardStore.read(a).postCount(), "the disk holds what is kept, no more");
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
            // the copy last in history order wins everywhere, whatever order the copies came in
            assertEquals(List.of(retry), one.view().posts().get("general"));
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
    void aWipedPeerTakesTheCheckpointPartByPartThenTheEventsAfterIt() throws Exception {
        try (BoardStore source = BoardStore.open(a, "s1", Stamper.systemClock(), SMALL);
             BoardStore wiped = BoardStore.open(b, "s2", Stamper.systemClock(), SMALL)) {
            source.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 30; i++) {
                source.appendLocal(Event.login("user" + i));
                source.appendLocal(Event.post("user" + i, "general", "x".repeat(100_000) + i));
            }
            source.awaitCheckpoints();
            assertFalse(Files.exists(EventLog.segmentFile(a, 0)), "the log's start is gone: only the checkpoint has it");
            assertTrue(pull(source, wiped, 4_000) > 2, "a checkpoint of 3 MB comes in parts");
            assertEquals(source.view(), wiped.view());
            assertEquals(source.versionVector(), wiped.versionVector());
            assertEquals(source.digest(), wiped.digest());

            source.appendLocal(Event.post("user1", "general", "news"));
            CatchUpPage fromMemory = source.catchUpPage(wiped.versionVector(), wiped.heldAboveGaps(), 4_000);
            assertNull(fromMemory.checkpoint(), "a peer that holds what the checkpoint covers gets events");
            assertEquals("news", fromMemory.events().get(fromMemory.events().size() - 1).message());
            pull(source, wiped, 4_000);
            assertTrue(source.catchUpPage(wiped.versionVector(), wiped.heldAboveGaps(), 4_000).events().isEmpty(),
                    "nothing left");
        }
        assertEquals(BoardStore.read(a), BoardStore.read(b));
    }

    @Test
    void aTakenCheckpointSurvivesACrashAndIsHandedOn(@TempDir Path c) throws Exception {
        try (BoardStore source = BoardStore.open(a, "s1", Stamper.systemClock(), SMALL)) {
            source.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 20; i++) {
                source.appendLocal(Event.login("user" + i));
            }
            source.awaitCheckpoints();
            BoardStore taker = BoardStore.open(b, "s2", Stamper.systemClock(), SMALL);
            pull(source, taker, 1 << 20);
            taker.crash();
            try (BoardStore restarted = BoardStore.open(b, "s2", Stamper.systemClock(), SMALL);
                 BoardStore third = BoardStore.open(c, "s3", Stamper.systemClock(), SMALL)) {
                assertEquals(source.view(), restarted.view(), "users and channels came with the checkpoint, durably");
                pull(restarted, third, 1 << 20);
                assertEquals(source.view(), third.view(), "and go on from the taker to the next");
                assertEquals(source.digest(), third.digest());
            }
        }
    }

    @Test
    void aCheckpointAdoptedJustBeforeACrashIsTakenAgainAtStart() throws Exception {
        try (BoardStore first = BoardStore.open(a, "s1", Stamper.systemClock(), SMALL)) {
            first.appendLocal(Event.channelCreated("general"));
            for (int i = 0; i < 20; i++) {
                first.appendLocal(Event.login("user" + i));
                first.appendLocal(Event.post("user" + i, "general", "post " + i));
            }
        } // closing checkpoints everything
        try (BoardStore source = BoardStore.open(a, "s1", Stamper.systemClock(), SMALL)) {
            CheckpointPart part = source.catchUpPage(Map.of(), Map.of(), 1 << 20).checkpoint();
            assertTrue(part.last(), "one part");
            // Its own checkpoints far apart: the posts it got are in its log only.
            BoardStore taker = BoardStore.open(b, "s2", Stamper.systemClock(), BoardStore.Settings.defaults());
            taker.applyReplicated(part.events());
            // What adopt writes before it takes the state; the crash comes before the taker's own checkpoint.
            new AdoptedState(1, part.users(), part.channels(), part.covers(), part.maxLamport()).write(b);
            taker.crash();
            try (BoardStore restarted = BoardStore.open(b, "s2", Stamper.systemClock(), BoardStore.Settings.defaults())) {
                assertEquals(source.view(), restarted.view(), "the kept posts from the log, the rest adopted");
                assertEquals(source.digest(), restarted.digest());
            }
            assertTrue(AdoptedState.readAll(b).isEmpty(), "a checkpoint at start covers it: the file is gone");
        }
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
            CatchUpPage fromMemory = relay.catchUpPage(Map.of(), Map.of(), 1 << 20);
            assertNull(fromMemory.checkpoint(), "no checkpoint yet: events");
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

    /**
     * What the catch-up thread does, without sockets: pages until done, a checkpoint's parts one after the other
     * and adopted once all came; returns how many pages it took.
     */
    private static int pull(BoardStore from, BoardStore to, long pageBytes) throws IOException {
        Map<String, Long> after = new HashMap<>(to.versionVector());
        Map<String, Set<Long>> holding = to.heldAboveGaps();
        Map<String, BoardView.UserRecord> users = new HashMap<>();
        Map<String, BoardView.ChannelRecord> channels = new HashMap<>();
        CheckpointPart taken = null;
        CatchUpPage page;
        int pages = 0;
        do {
            page = taken == null ? from.catchUpPage(after, holding, pageBytes)
                    : from.checkpointPage(taken.at(), taken.part() + 1);
            pages++;
            to.applyReplicated(page.events());
            CheckpointPart part = page.checkpoint();
            if (part == null) {
                page.events().forEach(e -> after.merge(e.origin(), e.seq(), Math::max));
                continue;
            }
            users.putAll(part.users());
            channels.putAll(part.channels());
            taken = part;
            if (part.last()) {
                to.adopt(users, channels, part.covers(), part.maxLamport());
                after.putAll(to.versionVector());
                holding = to.heldAboveGaps();
                taken = null;
            }
        } while (page.more());
        return pages;
    }
}
