package org.bulletinboard.server.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's durable state: the event log, and checkpoints of the board derived from it. Every event is applied at
 * most once, whichever server it came from and however often it arrives. Writers share fsyncs (group commit). Every
 * {@code checkpointEvery} events the board is written as a new snapshot, on a thread of its own and outside the
 * store lock; the log segments wholly behind it (and behind the recent requests, which start-up reads back) are then
 * deleted, so the log holds a bounded tail and the volume a bounded board. Memory holds the users, channels, the
 * history each channel and inbox keeps (its newest {@code historyKeep} posts or messages), the recent request ids,
 * and where the events the last checkpoint does not cover are in the log: a peer that lacks only such events catches
 * up from those, one that lacks more takes the checkpoint first ({@link #checkpointPart}, {@link #adopt}).
 * Thread-safe.
 */
public final class BoardStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardStore.class);
    /** Longest server name: its origin adds a dot and six characters and must stay a valid name. */
    public static final int MAX_SERVER_NAME = Fields.MAX_NAME_LENGTH - 7;
    public static final int DEFAULT_CHECKPOINT_EVERY = 50_000;
    /** Writes whose request ids are remembered: retries come within seconds, this is minutes at full load. */
    static final int RECENT_REQUESTS = 100_000;
    /** A part of a checkpoint handed to a peer, by estimated size: well under the server-to-server frame limit. */
    static final long CHECKPOINT_PART_BYTES = 1024 * 1024;

    /**
     * How a store keeps its data.
     *
     * @param checkpointEvery events between checkpoints
     * @param historyKeep     posts per channel and messages per user kept, the newest in history order (the same on
     *                        every server of a cluster, or a checkpoint a peer takes keeps the giver's number)
     * @param segmentBytes    how large a log segment grows before the next starts
     */
    public record Settings(int checkpointEvery, int historyKeep, long segmentBytes) {
        public static final int DEFAULT_HISTORY_KEEP = 1000;

        public Settings {
            if (checkpointEvery < 1 || historyKeep < 1 || segmentBytes < 1) {
                throw new IllegalArgumentException("store settings must be positive: " + checkpointEvery + ", "
                        + historyKeep + ", " + segmentBytes);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_CHECKPOINT_EVERY, DEFAULT_HISTORY_KEEP, EventLog.DEFAULT_SEGMENT_BYTES);
        }

        public Settings withCheckpointEvery(int every) {
            return new Settings(every, historyKeep, segmentBytes);
        }

        public Settings withHistoryKeep(int keep) {
            return new Settings(checkpointEvery, keep, segmentBytes);
        }

        public Settings withSegmentBytes(long bytes) {
            return new Settings(checkpointEvery, historyKeep, bytes);
        }

        /**
         * The checkpoint interval stretched by up to a quarter, drawn anew by every process: servers sharing a
         * machine (an embedded cluster, Compose) hold the same events, and with one interval they would all write
         * their checkpoints, each tens of milliseconds of CPU, at the same moment.
         */
        public Settings staggered() {
            return withCheckpointEvery(checkpointEvery + ThreadLocalRandom.current().nextInt(checkpointEvery / 4 + 1));
        }
    }

    /** What a local write did: the event written, or no event and {@code duplicate} for a request already applied. */
    public record Commit(Event event, boolean duplicate) {}

    /**
     * The latest checkpoint on disk: where it reaches and what it covers; its parts, for peers that take it, are made
     * with it and kept while memory allows (read back from its file if memory let them go).
     */
    private static final class Published {
        final long at;
        final Coverage covers;
        SoftReference<CheckpointPages> pages; // guarded by the store

        Published(long at, Coverage covers, CheckpointPages pages) {
            this.at = at;
            this.covers = covers;
            this.pages = new SoftReference<>(pages);
        }
    }

    private final DataDirectoryLock lock;
    private final Path dataDir;
    private final String origin;
    private final Stamper stamper;
    private final Settings settings;
    private final Board board;
    private final SeenEvents seen = new SeenEvents();
    /** Log positions of the events the last checkpoint does not cover, by origin and seq: what catch-up serves. */
    private final TreeMap<String, SeqPositions> recent = new TreeMap<>();
    /** Writes checkpoints off the request path; one at a time, and one queued at most. */
    private final ExecutorService checkpointer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "store-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean checkpointQueued = new AtomicBoolean();
    private final EventLog eventLog;
    private long eventsSinceCheckpoint;
    private volatile long eventsWritten; // since start, for metrics; advanced under the store lock
    private volatile Published published;
    /** The number of the last state adopted from a peer's checkpoint and taken into the board. */
    private long adopted;

    private BoardStore(DataDirectoryLock lock, Path dataDir, String serverName, Stamper stamper, Settings settings)
            throws IOException {
        this.lock = lock;
        this.dataDir = dataDir;
        this.stamper = stamper;
        this.settings = settings;
        this.board = new Board(settings.historyKeep(), RECENT_REQUESTS);
        this.origin = freshOrigin(serverName);
        long started = System.nanoTime();
        Snapshot snapshot = Snapshot.read(dataDir);
        long from = recoverCheckpoint(dataDir, snapshot, board, seen);
        this.eventLog = EventLog.open(dataDir, from, settings.segmentBytes(), this::applyRecovered);
        // After the log: the posts and messages an adopted checkpoint keeps came as events, written to the log
        // before it; taken first, its coverage would have the replay skip them.
        List<AdoptedState> adoptedStates = AdoptedState.readAll(dataDir);
        for (AdoptedState state : adoptedStates) {
            take(board, seen, state);
            adopted = state.number();
        }
        stamper.lamport().advanceTo(recoveredLamport(board.maxLamport()));
        published = snapshot == null ? new Published(0, Coverage.NONE, null)
                : new Published(snapshot.logPosition(), snapshot.covers(), null);
        if (!adoptedStates.isEmpty()) {
            checkpoint(true); // so the checkpoint peers are given covers what was adopted
        }
        checkpointer.execute(BoardStore::prepareCheckpoints);
        log.info("recovered {} events from {} in {} ms ({} from the log after the snapshot); writing as {}",
                eventCount(), dataDir, (System.nanoTime() - started) / 1_000_000, eventsSinceCheckpoint, origin);
    }

    /**
     * Puts back what a checkpoint holds, and the recent request ids from the log before it; returns where the log
     * goes on after it.
     */
    private static long recoverCheckpoint(Path dataDir, Snapshot snapshot, Board board, SeenEvents seen)
            throws IOException {
        if (snapshot == null) {
            return 0;
        }
        board.restore(snapshot);
        seen.addAll(snapshot.covers());
        EventLog.read(dataDir, snapshot.requestsFrom(), snapshot.logPosition(), board::rememberRequest);
        return snapshot.logPosition();
    }

    private static void take(Board board, SeenEvents seen, AdoptedState state) {
        board.mergeFolded(state.users(), state.channels(), state.maxLamport());
        seen.addAll(state.covers());
    }

    /**
     * The Lamport clock to go on from. A log written before clocks were bounded may hold one beyond
     * {@link LamportClock#MAX}; the counter stays at the bound then, and its events sort as if stamped with it.
     */
    private static long recoveredLamport(long highest) {
        if (highest > LamportClock.MAX) {
            log.warn("the log holds a Lamport clock of {}, beyond the bound {}; going on from the bound",
                    highest, LamportClock.MAX);
            return LamportClock.MAX;
        }
        return highest;
    }

    /**
     * Opens (or creates) the store of server {@code serverName} in {@code dataDir}: snapshot, then the log after it.
     *
     * @throws IOException also if another process has the directory
     */
    public static BoardStore open(Path dataDir, String serverName, Stamper stamper) throws IOException {
        return open(dataDir, serverName, stamper, Settings.defaults());
    }

    public static BoardStore open(Path dataDir, String serverName, Stamper stamper, int checkpointEvery) throws IOException {
        return open(dataDir, serverName, stamper, Settings.defaults().withCheckpointEvery(checkpointEvery));
    }

    public static BoardStore open(Path dataDir, String serverName, Stamper stamper, Settings settings)
            throws IOException {
        return open(DataDirectoryLock.take(dataDir), dataDir, serverName, stamper, settings);
    }

    /** Opens the store in a directory whose lock the caller took (and the store now holds, until it closes). */
    public static BoardStore open(DataDirectoryLock lock, Path dataDir, String serverName, Stamper stamper,
                                  Settings settings) throws IOException {
        try {
            return new BoardStore(lock, dataDir, serverName, stamper, settings);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * The origin of the events this process writes: the server name and a suffix drawn at every start. So no two
     * processes ever write the same event id, even two that share a directory because a lock failed (a file
     * system without locks); and a server whose disk was wiped never reuses its old ids either.
     */
    private static String freshOrigin(String serverName) {
        if (serverName.length() > MAX_SERVER_NAME) {
            throw new IllegalArgumentException("server name longer than " + MAX_SERVER_NAME + " characters: " + serverName);
        }
        long suffix = ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36);
        return serverName + "." + Long.toString(suffix, 36);
    }

    /** The bytes a data directory's log holds on disk, all its segments together. */
    public static long logBytes(Path dataDir) throws IOException {
        long bytes = 0;
        for (Path file : historyFiles(dataDir)) {
            if (file.getFileName().toString().startsWith("events")) {
                bytes += Files.size(file);
            }
        }
        return bytes;
    }

    /**
     * Gives a closed store's history to another data directory (for tools): its log, checkpoint and adopted states,
     * not its origin, which each directory draws for itself.
     */
    public static void copyHistory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path file : historyFiles(from)) {
            Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The files of a data directory that hold its history. */
    private static List<Path> historyFiles(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.equals(Snapshot.FILE) || (name.startsWith("events") || name.startsWith("adopted-"))
                        && !name.endsWith(".tmp");
            }).sorted().toList();
        }
    }

    /**
     * Everything a data directory holds, as its server would show it with the default settings, read without
     * opening it for writing (for checks and tools).
     */
    public static BoardView read(Path dataDir) throws IOException {
        return read(dataDir, Settings.DEFAULT_HISTORY_KEEP);
    }

    /** {@link #read(Path)} for a server that keeps {@code historyKeep} posts and messages per list. */
    public static BoardView read(Path dataDir, int historyKeep) throws IOException {
        Board board = new Board(historyKeep, RECENT_REQUESTS);
        SeenEvents seen = new SeenEvents();
        long from = recoverCheckpoint(dataDir, Snapshot.read(dataDir), board, seen);
        EventLog.read(dataDir, from, Long.MAX_VALUE, (event, position) -> {
            if (seen.add(event.origin(), event.seq())) {
                board.apply(event, position);
            }
        });
        for (AdoptedState state : AdoptedState.readAll(dataDir)) {
            take(board, seen, state); // after the log, as at start-up
        }
        return board.view();
    }

    private void applyRecovered(Event event, long position) {
        if (seen.add(event.origin(), event.seq())) {
            remember(event, position);
        }
    }

    private void remember(Event event, long position) {
        board.apply(event, position);
        recent.computeIfAbsent(event.origin(), o -> new SeqPositions()).put(event.seq(), position);
        eventsSinceCheckpoint++;
    }

    /**
     * Stamps a new local event with this server's next id and a Lamport time, applies it and returns once it is
     * on disk. A draft whose request id was already applied (here or on a peer) is not applied again.
     */
    public Commit appendLocal(Event draft) throws IOException {
        Commit commit = stageLocal(draft);
        sync();
        return commit;
    }

    /**
     * Like {@link #appendLocal}, but writes the event to the log without waiting for the disk: it must not be
     * acknowledged before a {@link #sync}, which covers many such calls at once.
     */
    public synchronized Commit stageLocal(Event draft) throws IOException {
        if (draft.request() != null && board.hasRequest(draft.request())) {
            return new Commit(null, true); // the original may still be on its way to disk: the next sync covers it
        }
        Event event = draft.stamped(origin, seen.highest(origin) + 1, stamper.lamport().tick(), stamper.nowMillis());
        long start = eventLog.position();
        eventLog.append(EventLog.encode(List.of(event)));
        eventsWritten++;
        seen.add(origin, event.seq());
        remember(event, start);
        return new Commit(event, false);
    }

    /** Makes peers' events durable and applies those not held yet; returns how many were new. */
    public int applyReplicated(List<Event> events) throws IOException {
        int fresh = appendReplicated(events);
        sync();
        return fresh;
    }

    /**
     * Applies peers' events not held yet and writes them to the log without waiting for the disk; returns how
     * many were new. They must not be acknowledged before a {@link #sync}, which covers many such calls at once.
     */
    public synchronized int appendReplicated(List<Event> events) throws IOException {
        List<Event> unseen = new ArrayList<>(events.size());
        Set<String> batch = new HashSet<>();
        for (Event event : events) {
            // The same event twice in one batch (a write and its retry went out together) is written once.
            if (!seen.contains(event.origin(), event.seq()) && batch.add(event.id())) {
                unseen.add(event);
            }
        }
        long start = eventLog.position();
        EventLog.Lines lines = EventLog.encode(unseen);
        if (!unseen.isEmpty()) {
            eventLog.append(lines);
            eventsWritten += unseen.size();
        }
        int fresh = 0;
        for (int i = 0; i < unseen.size(); i++) {
            Event event = unseen.get(i);
            seen.add(event.origin(), event.seq());
            remember(event, start + lines.offsets()[i]); // where its own line starts: catch-up reads it there
            fresh++;
        }
        return fresh;
    }

    /** Why the store takes nothing more, if it failed: its log's first failed write or fsync. */
    public Optional<IOException> failure() {
        return Optional.ofNullable(eventLog.failure());
    }

    /** Returns once everything written to the log so far is on disk. */
    public void sync() throws IOException {
        eventLog.sync(eventLog.position());
        checkpointIfDue();
    }

    /**
     * What a peer holding every event up to {@code after} per origin, and {@code holding} above that, lacks: up to
     * about {@code maxBytes} of the events the last checkpoint does not cover, in (origin, seq) order, if the peer
     * holds every event it covers; otherwise the first part of that checkpoint, which the peer takes first.
     */
    public CatchUpPage catchUpPage(Map<String, Long> after, Map<String, Set<Long>> holding, long maxBytes)
            throws IOException {
        List<Long> positions = new ArrayList<>();
        synchronized (this) {
            if (!published.covers.within(after, holding)) {
                return CatchUpPage.of(checkpointPart(published, 0));
            }
            long durable = eventLog.durablePosition();
            recent.forEach((from, seqs) -> {
                Set<Long> held = holding.getOrDefault(from, Set.of());
                seqs.entriesAfter(after.getOrDefault(from, 0L), (seq, position) -> {
                    if (position < durable && !held.contains(seq)) { // an event not on disk here stays here
                        positions.add(position);
                    }
                });
            });
        }
        List<Event> events = new ArrayList<>();
        long bytes = 0;
        for (long position : positions) {
            if (bytes >= maxBytes) {
                return new CatchUpPage(events, true, null);
            }
            Event event = eventLog.readAt(position);
            events.add(event);
            bytes += wireSize(event);
        }
        return new CatchUpPage(events, false, null);
    }

    /**
     * Part {@code part} of the checkpoint reaching log position {@code at}; the first part of the latest checkpoint
     * if that one is gone (the peer starts again from it).
     */
    public synchronized CatchUpPage checkpointPage(long at, int part) throws IOException {
        CheckpointPart found = checkpointPart(published, part);
        return CatchUpPage.of(found.at() == at && found.part() == part ? found : checkpointPart(published, 0));
    }

    /** Called holding the store lock. */
    private CheckpointPart checkpointPart(Published checkpoint, int part) throws IOException {
        CheckpointPages pages = checkpoint.pages.get();
        if (pages == null) {
            Snapshot snapshot = Snapshot.read(dataDir); // the latest on disk: the published one, or one published next
            pages = new CheckpointPages(snapshot != null ? snapshot : Snapshot.empty(), CHECKPOINT_PART_BYTES);
            if (pages.at() == checkpoint.at) {
                checkpoint.pages = new SoftReference<>(pages);
            }
        }
        return pages.part(part >= 0 && part < pages.parts() ? part : 0);
    }

    /**
     * Takes the rest of a peer's checkpoint once every part of it has come and its events are applied here: the
     * users and channels it folded, and the events it covers, the ones this server will not get as events (logins,
     * channel creations, posts beyond what a list keeps, a retried request's other copies). Durable before it is
     * taken; then a checkpoint here covers it, so this server can hand it on.
     */
    public void adopt(Map<String, BoardView.UserRecord> users, Map<String, BoardView.ChannelRecord> channels,
                      Coverage covers, long maxLamport) throws IOException {
        long number;
        synchronized (this) {
            number = adopted + 1;
        }
        AdoptedState state = new AdoptedState(number, users, channels, covers, maxLamport);
        state.write(dataDir);
        synchronized (this) {
            take(board, seen, state);
            adopted = number;
        }
        try {
            checkpointer.submit(() -> {
                checkpoint(true);
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while checkpointing an adopted checkpoint");
        } catch (ExecutionException | RejectedExecutionException e) {
            throw new IOException("could not checkpoint an adopted checkpoint (the next start takes it again)", e);
        }
    }

    /** An upper bound of an event's encoded size: text is at most 3 bytes per UTF-16 unit. */
    static long wireSize(Event event) {
        return 256 + 3L * (event.message() == null ? 0 : event.message().length());
    }

    /** On the checkpoint thread at open, so that the first checkpoint, under load, does not also build the writer. */
    private static void prepareCheckpoints() {
        try {
            Snapshot.prepareWriter();
        } catch (IOException | RuntimeException e) {
            log.warn("could not prepare the snapshot writer; the first checkpoint will", e);
        }
    }

    /** Queues a checkpoint once enough events came since the last, so no writer waits for it. */
    private void checkpointIfDue() {
        boolean due;
        synchronized (this) {
            due = eventsSinceCheckpoint >= settings.checkpointEvery();
        }
        if (due && checkpointQueued.compareAndSet(false, true)) {
            checkpointer.execute(() -> {
                checkpointQueued.set(false);
                try {
                    checkpoint(false);
                } catch (IOException | RuntimeException e) {
                    log.error("checkpoint failed; the log still holds everything since the last, start-up reads more", e);
                }
            });
        }
    }

    /** Waits until the checkpoints queued so far are written (tests crash a store at a known point with it). */
    void awaitCheckpoints() throws InterruptedException, ExecutionException {
        checkpointer.submit(() -> { }).get();
    }

    /**
     * Writes the board as a new snapshot covering the log up to now, then deletes what the log no longer needs. The
     * state is copied under the store lock (bounded by users, channels and kept history); once it is released, the
     * log is made durable up to the snapshot's position by its writer, and the file written. Only then is it the
     * checkpoint peers are given, and the events it covers leave what catch-up serves from the log.
     */
    private void checkpoint(boolean always) throws IOException {
        long started = System.nanoTime();
        Snapshot snapshot;
        long adoptedUpTo;
        synchronized (this) {
            if (!always && eventsSinceCheckpoint < settings.checkpointEvery()) {
                return;
            }
            long position = eventLog.position();
            snapshot = Snapshot.of(position, board.oldestRequestPosition(position), seen.coverage(),
                    board.maxLamport(), board.view());
            adoptedUpTo = adopted;
            eventsSinceCheckpoint = 0;
        }
        eventLog.awaitDurable(snapshot.logPosition());
        snapshot.write(dataDir);
        AdoptedState.deleteUpTo(dataDir, adoptedUpTo);
        synchronized (this) {
            published = new Published(snapshot.logPosition(), snapshot.covers(),
                    new CheckpointPages(snapshot, CHECKPOINT_PART_BYTES));
            Coverage covers = snapshot.covers();
            recent.forEach((from, seqs) -> seqs.removeIf(seq -> covers.covers(from, seq)));
        }
        long freed = eventLog.deleteBefore(Math.min(snapshot.logPosition(), snapshot.requestsFrom()));
        log.info("checkpoint at log position {} written in {} ms; {} bytes of log behind it deleted, {} kept",
                snapshot.logPosition(), (System.nanoTime() - started) / 1_000_000, freed, eventLog.bytes());
    }

    public synchronized Map<String, Long> versionVector() {
        return seen.versionVector();
    }

    /** The events held above a gap, by origin: with {@link #versionVector}, every event held. */
    public synchronized Map<String, Set<Long>> heldAboveGaps() {
        Map<String, Set<Long>> held = new TreeMap<>();
        seen.coverage().gaps().forEach((from, seqs) -> held.put(from, new HashSet<>(seqs)));
        return held;
    }

    public synchronized boolean hasRequest(String request) {
        return board.hasRequest(request);
    }

    /** The event that applied {@code request}, if the request is remembered and its event still kept. */
    public Optional<Event> eventOfRequest(String request) throws IOException {
        long position;
        synchronized (this) {
            Event kept = board.eventOfRequest(request);
            if (kept != null) {
                return Optional.of(kept);
            }
            position = board.requestPosition(request);
        }
        if (position < 0 || position < eventLog.firstPosition()) {
            return Optional.empty();
        }
        Event event = eventLog.readAt(position);
        return request.equals(event.request()) ? Optional.of(event) : Optional.empty();
    }

    public synchronized boolean hasUser(String name) {
        return board.hasUser(name);
    }

    public synchronized boolean hasChannel(String name) {
        return board.hasChannel(name);
    }

    public synchronized List<String> userNames() {
        return board.userNames();
    }

    public synchronized List<String> channelNames() {
        return board.channelNames();
    }

    /** The last {@code limit} posts of a channel that come before {@code before} (null: the newest), oldest first. */
    public synchronized List<Event> channelHistory(String channel, Event before, int limit) {
        return board.posts(channel, before, limit);
    }

    /** The last {@code limit} messages to a user that come before {@code before} (null: the newest), oldest first. */
    public synchronized List<Event> inbox(String user, Event before, int limit) {
        return board.messagesTo(user, before, limit);
    }

    /** Users, channels, and the history each channel and inbox keeps. */
    public synchronized BoardView view() {
        return board.view();
    }

    /** Events written to the log since this store opened (its own and its peers'). */
    public long eventsWritten() {
        return eventsWritten;
    }

    /** How many times the log was forced to disk since this store opened; each covers every write before it. */
    public long fsyncs() {
        return eventLog.fsyncs();
    }

    /** The bytes the log holds on disk now. */
    public long logBytes() {
        return eventLog.bytes();
    }

    /** A digest of the events this store holds: equal on servers that hold the same events, and so the same board. */
    public synchronized String digest() {
        return seen.digest();
    }

    /** How many events this store holds. */
    public synchronized long eventCount() {
        Coverage coverage = seen.coverage();
        return coverage.vector().values().stream().mapToLong(Long::longValue).sum()
                + coverage.gaps().values().stream().mapToLong(List::size).sum();
    }

    /**
     * Lets go of the directory as a crash would: no checkpoint and nothing more written (what was acknowledged is
     * on disk already), the log's file and the lock released, so a new store can open the directory at once.
     */
    public void crash() throws IOException {
        checkpointer.shutdownNow();
        try {
            eventLog.close();
        } finally {
            lock.close();
        }
    }

    /**
     * Writes a checkpoint, so the next start reads no log tail, then closes. Whoever wrote the log has stopped: the
     * closing thread forces what is left itself.
     */
    @Override
    public void close() throws IOException {
        checkpointer.shutdown();
        try {
            if (eventLog.failure() == null) {
                eventLog.sync(eventLog.position());
            }
            if (!checkpointer.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("a checkpoint is still being written; closing without waiting for it");
            }
            if (eventLog.failure() == null) {
                checkpoint(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                eventLog.close();
            } finally {
                lock.close();
            }
        }
    }
}
