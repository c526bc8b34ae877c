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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only event log, one JSON object per line, kept whole: it is the server's history, read back by
 * position. {@link #append} writes without forcing; {@link #sync} returns once the data is on disk, and one
 * fsync covers every append made before it, so concurrent writers share fsyncs (group commit). A crash can
 * leave only the last line torn (no newline, or unreadable); recovery drops it, since it was never
 * acknowledged. An unreadable line before the end is corruption and stops recovery.
 * <p>
 * The log fails stop: the first write or fsync that fails, on any thread, latches it failed, and every later append
 * and sync throws at once. Nothing can be appended after a fragment a failed write left, so recovery finds it at the
 * end and cuts it off; and no later fsync can report success for pages a failed one dropped (Linux reports a
 * writeback error once). Opening forces the file first, so a tail that was in the page cache when the last process
 * died counts as durable only once it is on disk.
 */
final class EventLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives each event read back and the log position its line starts at. */
    interface Reader {
        void accept(Event event, long position);
    }

    /** Events read from {@link #scan}, and the position right after the last line read. */
    record Scan(List<Event> events, long next) {}

    private final Path file;
    private final FileChannel channel;
    private final Object syncLock = new Object();
    /** The end of the log: where the next append goes. */
    private volatile long written;
    private volatile long durable; // advanced under syncLock
    private boolean syncing; // guarded by syncLock: a writer is forcing the file
    private volatile long fsyncs; // advanced under syncLock
    /** The first write or fsync that failed; once set, the log takes nothing more. */
    private volatile IOException failure;

    private EventLog(Path file, FileChannel channel, long length) {
        this.file = file;
        this.channel = channel;
        this.written = length;
        this.durable = length;
    }

    /** Replays the log from {@code from} into {@code reader}, cuts off a torn tail, and opens it for appending. */
    static EventLog open(Path file, long from, Reader reader) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel = FileChannel.open(file,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            channel.force(true);
            long validLength = replay(channel, file, from, Long.MAX_VALUE, reader);
            if (validLength < channel.size()) {
                log.warn("{}: dropping a torn last line ({} bytes) left by a crash", file, channel.size() - validLength);
                channel.truncate(validLength);
                channel.force(true);
            }
            channel.position(validLength);
            return new EventLog(file, channel, validLength);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Reads the lines of a log that start at {@code from} or later and before {@code until}, without changing it
     * (a torn tail is skipped, not cut).
     */
    static void read(Path file, long from, long until, Reader reader) throws IOException {
        if (!Files.exists(file)) {
            if (from > 0) {
                throw new IOException(file + " is missing, but the snapshot covers " + from + " bytes of it");
            }
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            replay(channel, file, from, until, reader);
        }
    }

    /** Returns the length of the log up to the end of its last complete, readable line. */
    private static long replay(FileChannel channel, Path file, long from, long until, Reader reader) throws IOException {
        if (from > channel.size()) {
            throw new IOException(file + " holds " + channel.size() + " bytes, but the snapshot covers " + from
                    + "; the log was cut, refusing to start");
        }
        channel.position(from);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long offset = from;
        long validLength = from;
        long lineNumber = 0;
        long unreadableAt = -1;
        int b;
        while (validLength < until && (b = in.read()) != -1) {
            offset++;
            if (b != '\n') {
                line.write(b);
                continue;
            }
            lineNumber++;
            if (unreadableAt >= 0) {
                throw new IOException(file + ": unreadable event at byte " + unreadableAt
                        + " is followed by more events; the log is corrupt, refusing to start");
            }
            Event event = parse(line.toByteArray());
            line.reset();
            if (event == null) {
                unreadableAt = validLength; // tolerated only as the last line
                continue;
            }
            reader.accept(event, validLength);
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

    /** The lines of {@code events}, ready to {@link #append}; callers serialise them outside any lock. */
    static Lines encode(List<Event> events) throws IOException {
        // Sized for a line with a few hundred characters of text, and written straight into, not via a byte[] each.
        ByteArrayOutputStream lines = new ByteArrayOutputStream(640 * events.size());
        int[] offsets = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            offsets[i] = lines.size();
            JSON.writeValue(lines, events.get(i));
            lines.write('\n');
        }
        return new Lines(lines.toByteArray(), offsets);
    }

    /** Events encoded as log lines, written with one append, and where each line starts among them. */
    record Lines(byte[] bytes, int[] offsets) {}

    /** Writes encoded lines at the end of the log; returns the position to {@link #sync} to. Callers serialise appends. */
    long append(Lines lines) throws IOException {
        checkHealthy();
        ByteBuffer buffer = ByteBuffer.wrap(lines.bytes());
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw fail(e);
        }
        written += lines.bytes().length;
        return written;
    }

    /** The failure that stopped the log, if one did. */
    IOException failure() {
        return failure;
    }

    private void checkHealthy() throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("the log failed earlier and takes nothing more: " + failed.getMessage(), failed);
        }
    }

    /** Latches the log failed with its first failure; returns what to throw. */
    private IOException fail(IOException e) {
        synchronized (syncLock) {
            if (failure == null) {
                failure = e;
                log.error("{}: writing the log failed; it takes nothing more", file, e);
            }
            syncLock.notifyAll(); // writers waiting for a sync see it
        }
        return e;
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
                while (durable < position && syncing && failure == null) {
                    awaitSync(0);
                }
                checkHealthy();
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
            } catch (IOException e) {
                throw fail(e);
            } finally {
                synchronized (syncLock) {
                    if (forced) {
                        durable = Math.max(durable, target);
                        fsyncs++;
                    }
                    syncing = false;
                    syncLock.notifyAll();
                }
            }
        }
    }

    /**
     * Returns once everything appended up to {@code position} is on disk, leaving the forcing to the writers if
     * they do it within {@code patienceNanos} (a server's loop forces at the end of each pass that wrote). Another
     * thread forcing the file while a writer writes to it met the writer in the channel's own bookkeeping, once per
     * process, and made the JIT throw away the writer's compiled path, under load.
     */
    void awaitDurable(long position, long patienceNanos) throws IOException {
        long deadline = System.nanoTime() + patienceNanos;
        synchronized (syncLock) {
            long left;
            while (durable < position && (left = deadline - System.nanoTime()) > 0) {
                awaitSync(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        sync(position); // at once if the writers made it durable; otherwise forced here
    }

    /** How many times the log was forced to disk. */
    long fsyncs() {
        return fsyncs;
    }

    /** Called holding {@link #syncLock}: waits until a force ends, or {@code millis} pass (0: no limit). */
    private void awaitSync(long millis) throws IOException {
        try {
            syncLock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the log to reach the disk");
        }
    }

    /**
     * Reads whole lines from {@code from} on, up to about {@code maxBytes} and never past what is on disk (an
     * event not yet durable here must not reach a peer). Safe beside appends: it reads by position.
     *
     * @throws IllegalArgumentException if {@code from} is not where a durable line starts
     */
    Scan scan(long from, long maxBytes) throws IOException {
        if (from > durable || (from > 0 && byteAt(from - 1) != '\n')) {
            throw new IllegalArgumentException("log position " + from + " is not the start of an event on disk");
        }
        long end = Math.min(durable, from + maxBytes);
        List<Event> events = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, end - from));
        while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
            // positional reads until the range is in
        }
        byte[] bytes = buffer.array();
        int lineStart = 0;
        for (int i = 0; i < buffer.position(); i++) {
            if (bytes[i] == '\n') {
                Event event = parse(Arrays.copyOfRange(bytes, lineStart, i));
                if (event == null) {
                    throw new IOException(file + ": unreadable event at byte " + (from + lineStart));
                }
                events.add(event);
                lineStart = i + 1;
            }
        }
        if (events.isEmpty() && end < durable) {
            // one line longer than maxBytes: read exactly that line
            return scan(from, maxBytes * 2);
        }
        return new Scan(events, from + lineStart);
    }

    private byte byteAt(long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (channel.read(one, position) != 1) {
            throw new IOException(file + ": no byte at " + position);
        }
        return one.get(0);
    }

    /** The event whose line starts at {@code position}. */
    Event readAt(long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (true) {
            int read = channel.read(buffer, position + buffer.position());
            byte[] bytes = buffer.array();
            for (int i = 0; i < buffer.position(); i++) {
                if (bytes[i] == '\n') {
                    Event event = parse(Arrays.copyOf(bytes, i));
                    if (event == null) {
                        throw new IOException(file + ": unreadable event at byte " + position);
                    }
                    return event;
                }
            }
            if (read <= 0) {
                throw new IOException(file + ": no whole line at byte " + position);
            }
            if (!buffer.hasRemaining()) {
                buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
            }
        }
    }

    /** The end of what is on disk. */
    long durablePosition() {
        return durable;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
