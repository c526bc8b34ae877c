package org.bulletinboard.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bulletinboard.clock.LamportClock;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's durable state: the event log, which keeps all history, and a checkpoint of the board derived from
 * it. Every event is applied at most once, whichever server it came from and however often it arrives. Writers
 * share fsyncs (group commit). Every {@code checkpointEvery} events the board is written as a new snapshot, on a
 * thread of its own and outside the store lock, so start-up reads the snapshot and a bounded tail of the log. Memory holds the
 * users, channels, the latest posts and messages of each, the recent request ids, and where the events since
 * the last checkpoint are in the log; older history is only on disk. Thread-safe.
 */
public final class BoardStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardStore.class);
    static final String LOG_FILE = "events.jsonl";
    /** Longest server name: its origin adds a dot and six characters and must stay a valid name. */
    public static final int MAX_SERVER_NAME = Fields.MAX_NAME_LENGTH - 7;
    public static final int DEFAULT_CHECKPOINT_EVERY = 50_000;
    /** How long a checkpoint waits for the writers to make its part of the log durable before forcing it itself. */
    private static final Duration CHECKPOINT_SYNC_PATIENCE = Duration.ofMillis(200);
    /** Writes whose request ids are remembered: retries come within seconds, this is minutes at full load. */
    static final int RECENT_REQUESTS = 100_000;

    /** What a local write did: the event written, or no event and {@code duplicate} for a request already applied. */
    public record Commit(Event event, boolean duplicate) {}

    private final DataDirectoryLock lock;
    private final Path dataDir;
    private final String origin;
    private final Stamper stamper;
    private final int checkpointEvery;
    private final Board board = new Board(Fields.MAX_HISTORY_LIMIT, RECENT_REQUESTS);
    private final SeenEvents seen = new SeenEvents();
    /** Log positions of the events since the last checkpoint, by origin and seq: what catch-up serves from memory. */
    private final TreeMap<String, SeqPositions> recent = new TreeMap<>();
    /** Per origin, the highest seq no longer in {@link #recent}: a peer below it is served from a log scan. */
    private final Map<String, Long> evictedUpTo = new HashMap<>();
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

    private BoardStore(DataDirectoryLock lock, Path dataDir, String serverName, Stamper stamper, int checkpointEvery)
            throws IOException {
        this.lock = lock;
        this.dataDir = dataDir;
        this.stamper = stamper;
        this.checkpointEvery = checkpointEvery;
        this.origin = freshOrigin(serverName);
        long started = System.nanoTime();
        Path logFile = dataDir.resolve(LOG_FILE);
        Snapshot snapshot = Snapshot.read(dataDir);
        long from = 0;
        if (snapshot != null) {
            board.restore(snapshot);
            seen.addAll(snapshot.covers());
            evictedUpTo.putAll(snapshot.covers().highest());
            from = snapshot.logPosition();
            EventLog.read(logFile, snapshot.requestsFrom(), from, board::rememberRequest);
        }
        this.eventLog = EventLog.open(logFile, from, this::applyRecovered);
        stamper.lamport().advanceTo(recoveredLamport(board.maxLamport()));
        checkpointer.execute(BoardStore::prepareCheckpoints);
        log.info("recovered {} events from {} in {} ms ({} from the log after the snapshot); writing as {}",
                eventCount(), dataDir, (System.nanoTime() - started) / 1_000_000, eventsSinceCheckpoint, origin);
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
     * The default checkpoint interval stretched by up to a quarter, drawn anew by every process: servers sharing a
     * machine (an embedded cluster, Compose) hold the same events, and with one interval they would all write their
     * checkpoints, each tens of milliseconds of CPU, at the same moment.
     */
    public static int staggeredCheckpointEvery() {
        return DEFAULT_CHECKPOINT_EVERY + ThreadLocalRandom.current().nextInt(DEFAULT_CHECKPOINT_EVERY / 4);
    }

    /**
     * Opens (or creates) the store of server {@code serverName} in {@code dataDir}: snapshot, then the log after it.
     *
     * @throws IOException also if another process has the directory
     */
    public static BoardStore open(Path dataDir, String serverName, Stamper stamper) throws IOException {
        return open(dataDir, serverName, stamper, DEFAULT_CHECKPOINT_EVERY);
    }

    public static BoardStore open(Path dataDir, String serverName, Stamper stamper, int checkpointEvery) throws IOException {
        return open(DataDirectoryLock.take(dataDir), dataDir, serverName, stamper, checkpointEvery);
    }

    /** Opens the store in a directory whose lock the caller took (and the store now holds, until it closes). */
    public static BoardStore open(DataDirectoryLock lock, Path dataDir, String serverName, Stamper stamper,
                                  int checkpointEvery) throws IOException {
        try {
            return new BoardStore(lock, dataDir, serverName, stamper, checkpointEvery);
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

    /** The size of a data directory's log, all history included, in bytes. */
    public static long logBytes(Path dataDir) throws IOException {
        return Files.size(dataDir.resolve(LOG_FILE));
    }

    /**
     * Gives a closed store's history to another data directory (for tools): its log and checkpoint, not its
     * origin, which each directory draws for itself.
     */
    public static void copyHistory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String file : List.of(LOG_FILE, Snapshot.FILE)) {
            Files.copy(from.resolve(file), to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Everything a data directory holds, all history included, read from its whole log without opening it for
     * writing (for checks and tools; memory grows with history).
     */
    public static BoardView read(Path dataDir) throws IOException {
        Board board = new Board(Integer.MAX_VALUE, Integer.MAX_VALUE);
        SeenEvents seen = new SeenEvents();
        EventLog.read(dataDir.resolve(LOG_FILE), 0, Long.MAX_VALUE, (event, position) -> {
            if (seen.add(event.origin(), event.seq())) {
                board.apply(event, position);
            }
        });
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
     * Events a peer whose version vector is {@code after} may lack, at most about {@code maxBytes} of them. From
     * memory, in (origin, seq) order, when the peer lacks only events since the last checkpoint; otherwise from
     * a scan of the log starting at {@code cursor} (null: the beginning), whose answer says where to continue.
     *
     * @throws IllegalArgumentException if {@code cursor} is not where an event starts in the log
     */
    public CatchUpPage catchUpPage(Map<String, Long> after, Long cursor, long maxBytes) throws IOException {
        List<Long> positions = null;
        synchronized (this) {
            boolean fromMemory = cursor == null && evictedUpTo.entrySet().stream()
                    .allMatch(e -> after.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (fromMemory) {
                long durable = eventLog.durablePosition();
                List<Long> lacking = new ArrayList<>();
                recent.forEach((from, seqs) -> seqs.positionsAfter(after.getOrDefault(from, 0L), position -> {
                    if (position < durable) {
                        lacking.add(position);
                    }
                }));
                positions = lacking;
            }
        }
        if (positions != null) {
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
        EventLog.Scan scan = eventLog.scan(cursor == null ? 0 : cursor, maxBytes);
        List<Event> lacking = scan.events().stream()
                .filter(e -> e.seq() > after.getOrDefault(e.origin(), 0L)).toList();
        return new CatchUpPage(lacking, scan.next() < eventLog.durablePosition(), scan.next());
    }

    /** An upper bound of an event's encoded size: text is at most 3 bytes per UTF-16 unit. */
    private static long wireSize(Event event) {
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
            due = eventsSinceCheckpoint >= checkpointEvery;
        }
        if (due && checkpointQueued.compareAndSet(false, true)) {
            checkpointer.execute(() -> {
                checkpointQueued.set(false);
                try {
                    checkpoint(false);
                } catch (IOException | RuntimeException e) {
                    log.error("checkpoint failed; the log still holds everything, start-up will read more of it", e);
                }
            });
        }
    }

    /** Waits until the checkpoints queued so far are written (tests crash a store at a known point with it). */
    void awaitCheckpoints() throws InterruptedException, ExecutionException {
        checkpointer.submit(() -> { }).get();
    }

    /**
     * Writes the board as a new snapshot covering the log up to now. The state is copied under the store lock
     * (bounded by users, channels and windows); once it is released, the log is made durable up to the snapshot's
     * position (by the writers' own fsync, or forced here) and the file written.
     */
    private void checkpoint(boolean always) throws IOException {
        long started = System.nanoTime();
        Snapshot snapshot;
        synchronized (this) {
            if (!always && eventsSinceCheckpoint < checkpointEvery) {
                return;
            }
            long position = eventLog.position();
            snapshot = Snapshot.of(position, board.oldestRequestPosition(position), seen.coverage(),
                    board.maxLamport(), board.view());
            recent.forEach((from, seqs) -> {
                if (!seqs.isEmpty()) {
                    evictedUpTo.merge(from, seqs.lastSeq(), Math::max);
                    seqs.clear();
                }
            });
            eventsSinceCheckpoint = 0;
        }
        eventLog.awaitDurable(snapshot.logPosition(), CHECKPOINT_SYNC_PATIENCE.toNanos());
        snapshot.write(dataDir);
        log.info("checkpoint at log byte {} written in {} ms", snapshot.logPosition(),
                (System.nanoTime() - started) / 1_000_000);
    }

    public synchronized Map<String, Long> versionVector() {
        return seen.versionVector();
    }

    public synchronized boolean hasRequest(String request) {
        return board.hasRequest(request);
    }

    /** The event that applied {@code request}, read back from the log, if the request is remembered. */
    public Optional<Event> eventOfRequest(String request) throws IOException {
        long position;
        synchronized (this) {
            position = board.requestPosition(request);
        }
        return position < 0 ? Optional.empty() : Optional.of(eventLog.readAt(position));
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

    /** Users, channels, and the latest posts and messages held in memory. */
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

    /** Writes a checkpoint, so the next start reads no log tail, then closes. */
    @Override
    public void close() throws IOException {
        checkpointer.shutdown();
        try {
            if (!checkpointer.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("a checkpoint is still being written; closing without waiting for it");
            }
            checkpoint(true);
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
