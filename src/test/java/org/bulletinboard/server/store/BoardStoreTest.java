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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bulletinboard.protocol.ProtocolException;
import org.bulletinboard.protocol.Stamper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardStoreTest {
    @TempDir
    Path dir;

    @Test
    void stateSurvivesReopeningAndSequenceNumbersContinue() throws IOException {
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
            assertEquals(5, next.seq(), "own sequence continues after recovery");
            assertTrue(next.lamport() > before.posts().get("general").get(0).lamport(), "Lamport clock recovered too");
        }
        assertEquals(List.of("alice", "bob"), List.copyOf(BoardStore.read(dir).users().keySet()));
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
        // no close(): what each append returned for is on disk
        try (BoardStore store = open(dir, "s1")) {
            assertEquals(1600, store.eventCount());
            assertEquals(500, store.view().messages().get("reader").size(), "memory holds the latest 500");
        }
        assertEquals(1600, BoardStore.read(dir).messages().get("reader").size(), "the log holds them all");
    }

    @Test
    void aTornLastLineIsDroppedAndTheLogStaysUsable() throws IOException {
        BoardStore crashed = open(dir, "s1");
        crashed.appendLocal(Event.login("alice"));
        crashed.appendLocal(Event.channelCreated("general"));
        // no close(): a crash leaves the log as it is, uncompacted
        Path log = dir.resolve(BoardStore.LOG_FILE);
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
        Files.write(dir.resolve(BoardStore.LOG_FILE), new byte[] {0, 0, 0, '\n'}, StandardOpenOption.APPEND);
        try (BoardStore store = open(dir, "s1")) {
            assertEquals(List.of("alice"), store.userNames());
        }
    }

    @Test
    void corruptionBeforeTheEndRefusesToStart() throws IOException {
        BoardStore crashed = open(dir, "s1");
        crashed.appendLocal(Event.login("alice"));
        Path log = dir.resolve(BoardStore.LOG_FILE);
        String good = Files.readString(log);
        Files.writeString(log, "garbage\n" + good, StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> open(dir, "s1"));
        assertTrue(e.getMessage().contains("byte 0"), e.getMessage());
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
        assertEquals(event, Event.fromWire(event.toWire()));
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
