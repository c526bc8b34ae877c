package org.bulletinboard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    private static final long SEGMENT = EventLog.DEFAULT_SEGMENT_BYTES;

    @TempDir
    Path dir;

    @Test
    void aCheckpointWaitingForDurabilityLeavesTheForcingToTheWriter() throws Exception {
        try (EventLog log = EventLog.open(dir, 0, SEGMENT, (event, position) -> { })) {
            long end = log.append(EventLog.encode(List.of(Event.login("ada"))));
            CompletableFuture<Void> returned = new CompletableFuture<>();
            Thread checkpoint = new Thread(() -> {
                try {
                    log.awaitDurable(end);
                    returned.complete(null);
                } catch (Exception e) {
                    returned.completeExceptionally(e);
                }
            }, "test-checkpoint");
            checkpoint.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (checkpoint.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until it waits for the writer
            }
            assertEquals(Thread.State.TIMED_WAITING, checkpoint.getState(), "it waits rather than forcing");
            assertEquals(0, log.fsyncs());
            log.sync(end); // the writer's own fsync, as a server's loop makes at the end of a pass
            returned.get(10, TimeUnit.SECONDS);
            checkpoint.join();
            assertEquals(1, log.fsyncs(), "the writer's fsync was the only one");
        }
    }

    @Test
    void theFirstFailedWriteStopsTheLogForEveryWriterAndRecoveryCutsWhatItLeft() throws Exception {
        Path file = EventLog.segmentFile(dir, 0);
        EventLog log = EventLog.open(dir, 0, SEGMENT, (event, position) -> { });
        long good = log.append(EventLog.encode(List.of(Event.login("ada"))));
        log.sync(good);
        log.close(); // its channel gone: the next write fails, as on a disk that took a fragment and no more
        assertThrows(IOException.class, () -> log.append(EventLog.encode(List.of(Event.login("bob")))));
        assertNotNull(log.failure(), "latched");
        IOException later = assertThrows(IOException.class, () -> log.append(EventLog.encode(List.of(Event.login("cy")))));
        assertTrue(later.getMessage().contains("failed earlier"), later.getMessage());
        assertThrows(IOException.class, () -> log.sync(good), "no sync reports success after a failure");

        Files.write(file, "{\"origin\":\"s1.abcdef\",\"seq\":2,\"lam".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND); // what a short write leaves
        List<String> users = new ArrayList<>();
        try (EventLog reopened = EventLog.open(dir, 0, SEGMENT, (event, position) -> users.add(event.user()))) {
            assertEquals(List.of("ada"), users);
            assertEquals(good, reopened.position(), "the fragment is cut off");
        }
    }

    @Test
    void fullSegmentsGiveWayToNewOnesAndOnlyWholeOnesBehindACheckpointAreDeleted() throws Exception {
        List<Long> ends = new ArrayList<>();
        try (EventLog log = EventLog.open(dir, 0, 200, (event, position) -> { })) {
            for (int i = 0; i < 20; i++) {
                ends.add(log.append(EventLog.encode(List.of(Event.login("user-" + i)))));
            }
            log.sync(log.position());
            assertTrue(log.segmentCount() > 3, "segments: " + log.segmentCount());
            long checkpoint = ends.get(9);
            long kept = log.bytes();
            long freed = log.deleteBefore(checkpoint);
            assertTrue(freed > 0 && log.firstPosition() <= checkpoint, "whole segments before it only");
            assertEquals(kept - freed, log.bytes());
            assertEquals("user-10", log.readAt(checkpoint).user(), "what follows the checkpoint still reads");
        }
        List<String> replayed = new ArrayList<>();
        try (EventLog reopened = EventLog.open(dir, ends.get(9), 200, (event, position) -> replayed.add(event.user()))) {
            assertEquals(10, replayed.size());
            assertEquals("user-10", replayed.get(0));
            assertEquals(ends.get(19), reopened.position(), "positions go on where they were");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(file -> file.equals(EventLog.segmentFile(dir, 0))), "the first segment is gone");
        }
    }

    @Test
    void aLogFromBeforeSegmentsBecomesTheFirstSegment() throws Exception {
        Files.writeString(dir.resolve(EventLog.UNSEGMENTED), new String(EventLog.encode(List.of(Event.login("ada")))
                .bytes(), StandardCharsets.UTF_8));
        List<String> users = new ArrayList<>();
        try (EventLog log = EventLog.open(dir, 0, SEGMENT, (event, position) -> users.add(event.user()))) {
            assertEquals(List.of("ada"), users);
            assertTrue(Files.exists(EventLog.segmentFile(dir, 0)));
            assertTrue(Files.notExists(dir.resolve(EventLog.UNSEGMENTED)));
        }
    }
}
