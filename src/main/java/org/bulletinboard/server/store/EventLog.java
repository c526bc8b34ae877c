package org.bulletinboard.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only event log: one JSON object per line. {@link #append} writes without forcing; {@link #sync}
 * returns once the data is on disk, and one fsync covers every append made before it, so concurrent writers
 * share fsyncs (group commit). A crash can leave only the last line torn (no newline, or unreadable); recovery
 * drops it, since it was never acknowledged. An unreadable line before the end is corruption and stops recovery.
 */
final class EventLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel channel;
    private final Object syncLock = new Object();
    /** Bytes appended since opening, across {@link #clear}s: a position that only grows. */
    private volatile long written;
    private long durable; // guarded by syncLock
    private boolean syncing; // guarded by syncLock: a writer is forcing the file

    private EventLog(FileChannel channel) {
        this.channel = channel;
    }

    /** Replays the log into {@code sink}, cuts off a torn tail, and opens the log for appending. */
    static EventLog open(Path file, Consumer<Event> sink) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long validLength = replay(channel, file, sink);
            if (validLength < channel.size()) {
                log.warn("{}: dropping a torn last line ({} bytes) left by a crash", file, channel.size() - validLength);
                channel.truncate(validLength);
                channel.force(true);
            }
            channel.position(validLength);
            return new EventLog(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads a log without changing it (a torn tail is skipped, not cut). */
    static void read(Path file, Consumer<Event> sink) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            replay(channel, file, sink);
        }
    }

    /** Returns the length of the log up to the end of its last complete, readable line. */
    private static long replay(FileChannel channel, Path file, Consumer<Event> sink) throws IOException {
        channel.position(0);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long offset = 0;
        long validLength = 0;
        long lineNumber = 0;
        long unreadableLine = 0;
        int b;
        while ((b = in.read()) != -1) {
            offset++;
            if (b != '\n') {
                line.write(b);
                continue;
            }
            lineNumber++;
            if (unreadableLine > 0) {
                throw new IOException(file + ": unreadable event at line " + unreadableLine
                        + " is followed by more events; the log is corrupt, refusing to start");
            }
            Event event = parse(line.toByteArray());
            line.reset();
            if (event == null) {
                unreadableLine = lineNumber; // tolerated only as the last line
                continue;
            }
            sink.accept(event);
            validLength = offset;
        }
        return validLength;
    }

    private static Event parse(byte[] line) {
        try {
            return JSON.readValue(line, Event.class);
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory line failed", e);
        }
    }

    /** Writes events at the end of the log; returns the position to {@link #sync} to. Callers serialise appends. */
    long append(List<Event> events) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream(256 * events.size());
        for (Event event : events) {
            lines.write(JSON.writeValueAsBytes(event));
            lines.write('\n');
        }
        ByteBuffer buffer = ByteBuffer.wrap(lines.toByteArray());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += lines.size();
        return written;
    }

    /** The position after the last append. */
    long position() {
        return written;
    }

    /**
     * Returns once everything appended up to {@code position} is on disk. One writer at a time forces the file,
     * outside the lock, covering everything appended so far; the others wait for it and are all woken when it is
     * done (a writer that needed the lock just to learn it is covered would serialise the batch away).
     */
    void sync(long position) throws IOException {
        while (true) {
            long target;
            synchronized (syncLock) {
                while (durable < position && syncing) {
                    awaitSync();
                }
                if (durable >= position) {
                    return;
                }
                syncing = true;
                target = written;
            }
            boolean forced = false;
            try {
                channel.force(false);
                forced = true;
            } finally {
                synchronized (syncLock) {
                    if (forced) {
                        durable = Math.max(durable, target);
                    }
                    syncing = false;
                    syncLock.notifyAll();
                }
            }
        }
    }

    private void awaitSync() throws IOException {
        try {
            syncLock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the log to reach the disk");
        }
    }

    /** Empties the log once a snapshot covers everything in it. Callers serialise this with appends. */
    void clear() throws IOException {
        synchronized (syncLock) {
            channel.truncate(0);
            channel.position(0);
            channel.force(true);
            durable = written;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
