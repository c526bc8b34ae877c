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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    private static final long LONG_PATIENCE = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    @Test
    void aCheckpointWaitingForDurabilityLeavesTheForcingToTheWriter() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("events.jsonl"), 0, (event, position) -> { })) {
            long end = log.append(EventLog.encode(List.of(Event.login("ada"))));
            CompletableFuture<Void> returned = new CompletableFuture<>();
            Thread checkpoint = new Thread(() -> {
                try {
                    log.awaitDurable(end, LONG_PATIENCE);
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
        Path file = dir.resolve("events.jsonl");
        EventLog log = EventLog.open(file, 0, (event, position) -> { });
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
        try (EventLog reopened = EventLog.open(file, 0, (event, position) -> users.add(event.user()))) {
            assertEquals(List.of("ada"), users);
            assertEquals(good, reopened.position(), "the fragment is cut off");
        }
    }

    @Test
    void aCheckpointForcesTheLogItselfOnceItsPatienceIsOut() throws Exception {
        try (EventLog log = EventLog.open(dir.resolve("events.jsonl"), 0, (event, position) -> { })) {
            long end = log.append(EventLog.encode(List.of(Event.login("ada"))));
            log.awaitDurable(end, TimeUnit.MILLISECONDS.toNanos(20));
            assertEquals(1, log.fsyncs());
            assertTrue(log.durablePosition() >= end, "durable up to the checkpoint's position");
        }
    }
}
