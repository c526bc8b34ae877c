package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.MsgPackCodec;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Stamper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BoardStoreTest {
    @TempDir
    Path dir;

    @Test
    void serversDrawTheirCheckpointIntervalsApart() {
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int every = BoardStore.Settings.defaults().staggered().checkpointEvery();
            assertTrue(every >= BoardStore.DEFAULT_CHECKPOINT_EVERY && every < BoardStore.DEFAULT_CHECKPOINT_EVERY * 5 / 4,
                    every + " is outside the default stretched by a quarter");
            drawn.add(every);
        }
        assertTrue(drawn.size() > 1, "every draw was " + drawn);
    }

    @Test
    void stateSurvivesReopeningAndEachStartWritesUnderAnOriginOfItsOwn() throws IOException {
        BoardView before;
        try (BoardStore store = open(dir, "s1")) {
            store.appendLocal(Event.login("alice"));
            store.appendLocal(Event.channelCreated("general"));
            store.appendLocal(Event.post("alice", "general", "first"));
            store.appendLocal(Event.privateMessage("alice", "bob", "psst"));
            before = store.view();
        }
        try (BoardStore store = open(dir, "s1")) {
            assertEquals(before, store.view());
            assertEquals(4, store.eventCount());
            Event next = store.appendLocal(Event.login("bob")).event();
            assertTrue(before.posts().get("general").stream().noneMatch(e -> e.origin().equals(next.origin())),
                    "a new origin for the new process: " + next.origin());
            assertEquals(1, next.seq(), "whose sequence starts afresh");
            assertTrue(next.lamport() > before.posts().get("general").get(0).lamport(), "Lamport clock recovered too");
        }
        assertEquals(List.of("alice", "bob"), List.copyOf(BoardStore.read(dir).users().keySet()));
    }

    /** Each decoded event brings its own copies of its names; the events held share one string for each. */
    @Test
    void eventsHeldShareOneStringPerName() throws IOException {
        try (BoardStore store = open(dir, "s1")) {
            store.appendLocal(Event.login("alice"));
            store.appendLocal(Event.channelCreated("general"));
            String peer = "s2.abc";
            store.applyReplicated(List.of(decodedPost(peer, 1, "one"), decodedPost(peer, 2, "two")));
            List<Event> held = store.channelHistory("general", null, 10);
            assertEquals(2, held.size());
            String user = store.userNames().get(0);
            String channel = store.channelNames().get(0);
            for (Event event : held) {
                assertTrue(event.user() == user && event.channel() == channel, "names shared with the board's: " + event);
            }
            assertTrue(held.get(0).origin() == held.get(1).origin(), "one origin string");
            assertTrue(held.get(0).type() == Event.POST, "the type constant");
        }
    }

    /** A post as a peer's frame decodes to: every name a string of its own. */
    private static Event decodedPost(String origin, long seq, String text) {
        return new Event(new String(origin), seq, 4 + seq, 1, new String(Event.POST), new String("alice"),
                new String("general"), null, null, text, null);
    }

    @Test
    void aDirectoryHasOneStoreAtATimeAndTheNextWaitsForTheLock() throws Exception {
        BoardStore first = open(dir, "s1");
        first.appendLocal(Event.login("alice"));
        IOException refused = assertThrows(IOException.class, () -> open(dir, "s1"));
        assertTrue(refused.getMessage().contains("in use"), refused.getMessage());

        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<DataDirectoryLock> next = CompletableFuture.supplyAsync(() -> {
            try {
                return DataDirectoryLock.acquire(dir, () -> false, waiting::countDown);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertTrue(waiting.await(5, TimeUnit.SECONDS), "the second one says it waits");
        assertFalse(next.isDone(), "and waits while the first holds the directory");
        first.close();
        try (BoardStore second = BoardStore.open(next.get(5, TimeUnit.SECONDS), dir, "s1", Stamper.systemClock(),
                BoardStore.Settings.defaults())) {
            assertEquals(List.of("alice"), second.userNames(), "it gets the lock and everything once the first lets go");
        }
    }

    @Test
    void twoProcessesOnOneHistoryNeverWriteTheSameEventId(@TempDir Path copy) throws IOException {
        // As if a lock had failed: two processes recover the same log and both go on writing.
        Set<String> ids = new HashSet<>();
        BoardStore first = open(dir, "s1");
        ids.add(first.appendLocal(Event.login("alice")).event().id());
        first.crash();
        BoardStore.copyHistory(dir, copy);
        try (BoardStore a = open(dir, "s1"); BoardStore b = open(copy, "s1")) {
            for (int i = 0; i < 3; i++) {
                assertTrue(ids.add(a.appendLocal(Event.login("a" + i)).event().id()));
                assertTrue(ids.add(b.appendLocal(Event.login("b" + i)).event().id()), "ids so far: " + ids);
            }
        }
    }

    @Test
    void concurrentWritersSharingFsyncsLoseNothing() throws Exception {
        BoardStore crashed = open(dir, "s1");
        List<Thread> writers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < 8; w++) {
            String user = "writer" + w;
            writers.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        crashed.appendLocal(Event.privateMessage(user, "reader", user + " " + i));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        assertEquals(List.of(), failures);
        crashed.crash(); // what each append returned for is on disk
        try (BoardStore store = open(dir, "s1")) {
            assertEquals(1600, store.eventCount());
            assertEquals(BoardStore.Settings.DEFAULT_HISTORY_KEEP, store.view().messages().get("reader").size(),
                    "the inbox keeps the newest");
        }
    }

    @Test
    void aTornLastLineIsDroppedAndTheLogStaysUsable() throws IOException {
        BoardStore crashed = open(dir, "s1");
        crashed.appendLocal(Event.login("alice"));
        crashed.appendLocal(Event.channelCreated("general"));
        crashed.crash(); // the log stays as it is, no checkpoint
        Path log = EventLog.segmentFile(dir, 0);
        long goodLength = Files.size(log);
        Files.writeString(log, "{\"origin\":\"s1\",\"seq\":3,\"lamp", StandardOpenOption.APPEND);

        try (BoardStore store = open(dir, "s1")) {
            assertEquals(2, store.eventCount());
            assertEquals(goodLength, Files.size(log), "torn tail cut off");
            store.appendLocal(Event.post("alice", "general", "after the crash"));
        }
        BoardView view = BoardStore.read(dir);
        assertEquals("after the crash", view.posts().get("general").get(0).message());
    }

    @Test
    void anUnreadableCompleteLastLineIsDroppedToo() throws IOException {
        BoardStore crashed = open(dir, "s1");
        crashed.appendLocal(Event.login("alice"));
        crashed.crash();
        Files.write(EventLog.segmentFile(dir, 0), new byte[] {0, 0, 0, '\n'}, StandardOpenOption.APPEND);
        try (BoardStore store = open(dir, "s1")) {
            assertEquals(List.of("alice"), store.userNames());
        }
    }

    @Test
    void corruptionBeforeTheEndRefusesToStart() throws IOException {
        BoardStore crashed = open(dir, "s1");
        crashed.appendLocal(Event.login("alice"));
        crashed.crash();
        Path log = EventLog.segmentFile(dir, 0);
        String good = Files.readString(log);
        Files.writeString(log, "garbage\n" + good, StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> open(dir, "s1"));
        assertTrue(e.getMessage().contains("position 0"), e.getMessage());
    }

    @Test
    void aReplicatedEventIsAppliedOnceHoweverOftenItArrives() throws IOException {
        Event remote = Event.post("carol", "general", "hi").stamped("s2", 1, 5, 1000);
        try (BoardStore store = open(dir, "s1")) {
            store.appendLocal(Event.channelCreated("general"));
            assertEquals(1, store.applyReplicated(List.of(remote)));
            assertEquals(0, store.applyReplicated(List.of(remote)));
            assertEquals(0, store.applyReplicated(List.of(remote, remote)));
            assertEquals(1, store.view().posts().get("general").size());
        }
        try (BoardStore store = open(dir, "s1")) {
            assertEquals(0, store.applyReplicated(List.of(remote)), "still a duplicate after restart");
            assertEquals(2, store.eventCount());
        }
    }

    @Test
    void theSameEventsInAnyOrderDeriveTheSameState(@TempDir Path other) throws IOException {
        List<Event> events = new ArrayList<>();
        for (int seq = 1; seq <= 30; seq++) {
            String origin = "s" + (seq % 3);
            Event draft = switch (seq % 4) {
                case 0 -> Event.login("user" + seq % 5);
                case 1 -> Event.channelCreated("ch" + seq % 2);
                case 2 -> Event.post("user" + seq % 5, "ch" + seq % 2, "post " + seq);
                default -> Event.privateMessage("user1", "user" + seq % 5, "dm " + seq);
            };
            events.add(draft.stamped(origin, seq, seq % 7, 1000L + seq));
        }
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(42));
        try (BoardStore a = open(dir, "a"); BoardStore b = open(other, "b")) {
            for (Event e : events) {
                a.applyReplicated(List.of(e));
            }
            for (Event e : shuffled) {
                b.applyReplicated(List.of(e));
            }
            assertEquals(a.view(), b.view());
            List<Event> posts = a.view().posts().get("ch0");
            for (int i = 1; i < posts.size(); i++) {
                assertTrue(Event.HISTORY_ORDER.compare(posts.get(i - 1), posts.get(i)) < 0, "posts in Lamport order");
            }
        }
        assertEquals(BoardStore.read(dir), BoardStore.read(other));
    }

    @Test
    void eventsFromPeersAreValidated() throws ProtocolException {
        Event event = Event.privateMessage("a", "b", "hello").stamped("s1", 3, 9, 1234);
        Map<String, Object> wire = Fields.stringKeyed(MsgPackCodec.decode(MsgPackCodec.encode(event))).orElseThrow();
        assertEquals(event, Event.fromWire(wire), "an event round-trips through MessagePack");
        assertThrows(ProtocolException.class, () -> Event.fromWire(Map.of("type", "post", "origin", "s1", "seq", 1L,
                "lamport", 1L, "timestamp", 1L, "user", "a")), "a post without channel and message");
        assertThrows(ProtocolException.class, () -> Event.fromWire(Map.of("type", "drop-table", "origin", "s1",
                "seq", 1L, "lamport", 1L, "timestamp", 1L)));
        assertThrows(ProtocolException.class, () -> Event.fromWire(Map.of("type", "login", "origin", "s1",
                "seq", 0L, "lamport", 1L, "timestamp", 1L, "user", "a")));
    }

    private static BoardStore open(Path dir, String origin) throws IOException {
        return BoardStore.open(dir, origin, Stamper.systemClock());
    }
}
