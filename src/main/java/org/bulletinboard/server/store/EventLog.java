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
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only event log, one JSON object per line, in segment files {@code events-<position>.jsonl} named by the
 * log position their first line has; positions run on across segments, so a position names one line for as long as
 * its segment is kept. {@link #append} writes without forcing; {@link #sync} returns once the data is on disk, and
 * one fsync covers every append made before it (group commit). Once the active segment is full the next append
 * starts a new one, after forcing the full one. Segments wholly behind a checkpoint are deleted
 * ({@link #deleteBefore}): the checkpoint holds what they held. A crash can leave only the last line of the last
 * segment torn (no newline, or unreadable); recovery drops it, since it was never acknowledged. An unreadable line
 * anywhere else, or a segment missing between others, is corruption and stops recovery.
 * <p>
 * The log fails stop: the first write or fsync that fails latches it failed, and every later append and sync throws
 * at once. Nothing can be appended after a fragment a failed write left, so recovery finds it at the end and cuts it
 * off; and no later fsync can report success for pages a failed one dropped (Linux reports a writeback error once).
 * Opening forces the last segment first, so a tail that was in the page cache when the last process died counts as
 * durable only once it is on disk.
 */
final class EventLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEGMENT = Pattern.compile("events-(\\d{20})\\.jsonl");
    /** The single file of logs written before segments; taken as the segment at position 0. */
    static final String UNSEGMENTED = "events.jsonl";
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    /** Receives each event read back and the log position its line starts at. */
    interface Reader {
        void accept(Event event, long position);
    }

    /** One segment file: the log position of its first byte, and its channel. */
    private record Segment(long base, Path file, FileChannel channel) {}

    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Long, Segment> segments;
    private final Object syncLock = new Object();
    /** The segment appends go to; replaced only by the appending thread. */
    private volatile Segment active;
    /** The end of the log: where the next append goes. */
    private volatile long written;
    private volatile long durable; // advanced under syncLock
    private boolean syncing; // guarded by syncLock: a writer is forcing the file
    private volatile long fsyncs; // advanced under syncLock
    /** The first write or fsync that failed; once set, the log takes nothing more. */
    private volatile IOException failure;

    private EventLog(Path dir, long segmentBytes, ConcurrentSkipListMap<Long, Segment> segments, long length) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.segments = segments;
        this.active = segments.lastEntry().getValue();
        this.written = length;
        this.durable = length;
    }

    /** The file of the segment whose first line is at {@code base}. */
    static Path segmentFile(Path dir, long base) {
        return dir.resolve(String.format("events-%020d.jsonl", base));
    }

    /**
     * Replays the log in {@code dir} from {@code from} into {@code reader}, cuts off a torn tail, and opens it for
     * appending; new segments start once the active one holds {@code segmentBytes}.
     */
    static EventLog open(Path dir, long from, long segmentBytes, Reader reader) throws IOException {
        Files.createDirectories(dir);
        Path unsegmented = dir.resolve(UNSEGMENTED);
        if (Files.exists(unsegmented)) {
            Files.move(unsegmented, segmentFile(dir, 0));
            log.info("{}: the log becomes its first segment", unsegmented);
        }
        List<Long> bases = bases(dir);
        if (bases.isEmpty()) {
            if (from > 0) {
                throw new IOException(dir + " holds no log, but the checkpoint covers " + from + " bytes of it");
            }
            bases = List.of(0L);
        }
        ConcurrentSkipListMap<Long, Segment> segments = openSegments(bases, base -> segmentFile(dir, base),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Segment last = segments.lastEntry().getValue();
            last.channel().force(true);
            checkContiguous(dir, segments, from);
            long validLength = replay(segments, from, Long.MAX_VALUE, reader);
            long lastSize = last.channel().size();
            if (validLength < last.base() + lastSize) {
                log.warn("{}: dropping a torn last line ({} bytes) left by a crash", last.file(),
                        last.base() + lastSize - validLength);
                last.channel().truncate(validLength - last.base());
                last.channel().force(true);
            }
            last.channel().position(validLength - last.base());
            return new EventLog(dir, segmentBytes, segments, validLength);
        } catch (IOException | RuntimeException e) {
            closeAll(segments);
            throw e;
        }
    }

    /** Opens the files of the segments at {@code bases}; if one fails, closes those opened before it. */
    private static ConcurrentSkipListMap<Long, Segment> openSegments(List<Long> bases, LongFunction<Path> file,
                                                                     OpenOption... options) throws IOException {
        ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
        try {
            for (long base : bases) {
                Path path = file.apply(base);
                segments.put(base, new Segment(base, path, FileChannel.open(path, options)));
            }
            return segments;
        } catch (IOException | RuntimeException e) {
            closeAll(segments);
            throw e;
        }
    }

    /** Closes every segment's file, all of them even if one fails; then throws the first failure. */
    private static void closeAll(Map<Long, Segment> segments) throws IOException {
        IOException first = null;
        for (Segment segment : segments.values()) {
            try {
                segment.channel().close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The bases of the segments in {@code dir}, in order. */
    private static List<Long> bases(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> SEGMENT.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches).map(matcher -> Long.parseLong(matcher.group(1))).sorted().toList();
        }
    }

    /** Each segment starts where the one before ends, and {@code from} is within the log. */
    private static void checkContiguous(Path dir, Map<Long, Segment> segments, long from) throws IOException {
        long expected = -1;
        for (Segment segment : segments.values()) {
            if (expected >= 0 && segment.base() != expected) {
                throw new IOException(dir + ": the segment at log position " + expected + " is missing or was cut"
                        + " (the next starts at " + segment.base() + "); the log is corrupt, refusing to start");
            }
            expected = segment.base() + segment.channel().size();
        }
        long first = segments.keySet().iterator().next();
        if (from < first || from > expected) {
            throw new IOException(dir + " holds the log from position " + first + " to " + expected
                    + ", but the checkpoint continues at " + from + "; refusing to start");
        }
    }

    /**
     * Reads the lines of the log in {@code dir} that start at {@code from} or later and before {@code until},
     * without changing it (a torn tail is skipped, not cut).
     */
    static void read(Path dir, long from, long until, Reader reader) throws IOException {
        Path unsegmented = dir.resolve(UNSEGMENTED);
        boolean fromBeforeSegments = Files.exists(unsegmented);
        List<Long> bases = fromBeforeSegments ? List.of(0L) : Files.isDirectory(dir) ? bases(dir) : List.of();
        if (bases.isEmpty()) {
            if (from > 0) {
                throw new IOException(dir + " holds no log, but the checkpoint covers " + from + " bytes of it");
            }
            return;
        }
        ConcurrentSkipListMap<Long, Segment> segments = openSegments(bases,
                base -> fromBeforeSegments ? unsegmented : segmentFile(dir, base), StandardOpenOption.READ);
        try {
            checkContiguous(dir, segments, from);
            replay(segments, from, until, reader);
        } finally {
            closeAll(segments);
        }
    }

    /** Returns the log position after the last complete, readable line read. */
    private static long replay(ConcurrentSkipListMap<Long, Segment> segments, long from, long until, Reader reader)
            throws IOException {
        long valid = from;
        Segment last = segments.lastEntry().getValue();
        for (Segment segment : segments.tailMap(segments.floorKey(from)).values()) {
            long start = Math.max(from, segment.base()) - segment.base();
            long end = replay(segment, start, until, reader, segment == last);
            valid = segment.base() + end;
            if (valid >= until) {
                break;
            }
        }
        return valid;
    }

    /**
     * Replays one segment from {@code offset}; returns the offset after its last complete, readable line. Only the
     * last segment may end in an unreadable line.
     */
    private static long replay(Segment segment, long offset, long until, Reader reader, boolean last)
            throws IOException {
        FileChannel channel = segment.channel();
        channel.position(offset);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long read = offset;
        long validLength = offset;
        long unreadableAt = -1;
        int b;
        while (segment.base() + validLength < until && (b = in.read()) != -1) {
            read++;
            if (b != '\n') {
                line.write(b);
                continue;
            }
            if (unreadableAt >= 0) {
                throw corrupt(segment, unreadableAt, "is followed by more events");
            }
            Event event = parse(line.toByteArray());
            line.reset();
            if (event == null) {
                unreadableAt = validLength; // tolerated only as the last line
                continue;
            }
            reader.accept(event, segment.base() + validLength);
            validLength = read;
        }
        if (!last && validLength < channel.size() && segment.base() + validLength < until) {
            throw corrupt(segment, validLength, "ends a segment that is not the last");
        }
        return validLength;
    }

    private static IOException corrupt(Segment segment, long offset, String where) {
        return new IOException(segment.file() + ": unreadable event at log position " + (segment.base() + offset)
                + " " + where + "; the log is corrupt, refusing to start");
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

    /**
     * Writes encoded lines at the end of the log, in a new segment if the active one is full; returns the position to
     * {@link #sync} to. Callers serialise appends.
     */
    long append(Lines lines) throws IOException {
        checkHealthy();
        ByteBuffer buffer = ByteBuffer.wrap(lines.bytes());
        try {
            if (written - active.base() >= segmentBytes) {
                roll();
            }
            while (buffer.hasRemaining()) {
                active.channel().write(buffer);
            }
        } catch (IOException e) {
            throw fail(e);
        }
        written += lines.bytes().length;
        return written;
    }

    /**
     * Starts a new segment at the end of the log. The full one is forced first: a sync forces only the active
     * segment, so what the full one holds must be on disk before another becomes active.
     */
    private void roll() throws IOException {
        active.channel().force(false);
        Path file = segmentFile(dir, written);
        Segment next = new Segment(written, file, FileChannel.open(file,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // the new file's entry is durable before anything in it is acknowledged
        }
        segments.put(next.base(), next);
        active = next;
        log.debug("{}: new log segment at position {}", dir, written);
    }

    /**
     * Deletes the segments that end at or before {@code position} (never the active one); returns how many bytes
     * they held. Nothing before {@code position} may be read afterwards.
     */
    long deleteBefore(long position) throws IOException {
        long freed = 0;
        for (Map.Entry<Long, Segment> entry : segments.headMap(active.base()).entrySet()) {
            Long nextBase = segments.higherKey(entry.getKey());
            if (nextBase == null || nextBase > position) {
                break;
            }
            Segment segment = entry.getValue();
            segments.remove(entry.getKey());
            freed += nextBase - segment.base();
            segment.channel().close();
            Files.deleteIfExists(segment.file());
        }
        return freed;
    }

    /** Where the oldest line kept starts. */
    long firstPosition() {
        return segments.firstKey();
    }

    /** The bytes the log holds on disk, all segments together. */
    long bytes() {
        return written - firstPosition();
    }

    /** How many segment files the log has. */
    int segmentCount() {
        return segments.size();
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
                log.error("{}: writing the log failed; it takes nothing more", dir, e);
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
            Segment segment;
            synchronized (syncLock) {
                while (durable < position && syncing && failure == null) {
                    awaitSync(0);
                }
                checkHealthy();
                if (durable >= position) {
                    return;
                }
                syncing = true;
                // Read before the segment: a roll forces the full segment before it switches, so whatever the
                // target covers is in this segment or already forced.
                target = written;
                segment = active;
            }
            boolean forced = false;
            try {
                segment.channel().force(false);
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
     * Returns once everything appended up to {@code position} is on disk, forced by the thread that writes the log
     * (a server's loop forces at the end of each pass that wrote), or once the log failed (then it throws).
     */
    void awaitDurable(long position) throws IOException {
        synchronized (syncLock) {
            while (durable < position && failure == null) {
                awaitSync(TimeUnit.SECONDS.toMillis(1));
            }
            checkHealthy();
        }
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

    /** The event whose line starts at {@code position}. */
    Event readAt(long position) throws IOException {
        Map.Entry<Long, Segment> entry = segments.floorEntry(position);
        if (entry == null) {
            throw new IOException(dir + ": log position " + position + " is behind the oldest segment kept");
        }
        FileChannel channel = entry.getValue().channel();
        long offset = position - entry.getKey();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (true) {
            int read = channel.read(buffer, offset + buffer.position());
            byte[] bytes = buffer.array();
            for (int i = 0; i < buffer.position(); i++) {
                if (bytes[i] == '\n') {
                    Event event = parse(Arrays.copyOf(bytes, i));
                    if (event == null) {
                        throw new IOException(entry.getValue().file() + ": unreadable event at log position " + position);
                    }
                    return event;
                }
            }
            if (read <= 0) {
                throw new IOException(entry.getValue().file() + ": no whole line at log position " + position);
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
        closeAll(segments);
    }
}
