package org.bulletinboard.server.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.bulletinboard.protocol.Fields;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's durable state: a snapshot of the compacted board plus the event log written since, and the board
 * derived from both. Every event is applied at most once, whichever server it came from and however often it
 * arrives. Writers share fsyncs (group commit); the log is compacted into a new snapshot once it holds as many
 * events as the snapshot (and at least {@code compactAfter}), so start-up reads at most about twice the state.
 * Thread-safe.
 */
public final class BoardStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardStore.class);
    static final String LOG_FILE = "events.jsonl";
    static final String ORIGIN_FILE = "origin";
    /** Longest server name: its origin adds a dot and six characters and must stay a valid name. */
    public static final int MAX_SERVER_NAME = Fields.MAX_NAME_LENGTH - 7;
    public static final int DEFAULT_COMPACT_AFTER = 10_000;

    /** What a local write did: the event written, or no event and {@code duplicate} for a request already applied. */
    public record Commit(Event event, boolean duplicate) {}

    private final Path dataDir;
    private final String origin;
    private final Stamper stamper;
    private final int compactAfter;
    private final Board board = new Board();
    private final SeenEvents seen = new SeenEvents();
    /** Every event a peer may still ask for, by origin and seq: the log's events and every post and message. */
    private final TreeMap<String, TreeMap<Long, Event>> byOrigin = new TreeMap<>();
    private final EventLog eventLog;
    /** What the snapshot on disk covers: events a peer may lack that exist here only as folded state. */
    private Coverage compacted = Coverage.NONE;
    private long eventsSinceSnapshot;
    private long historyInSnapshot;

    private BoardStore(Path dataDir, String serverName, Stamper stamper, int compactAfter) throws IOException {
        this.dataDir = dataDir;
        this.stamper = stamper;
        this.compactAfter = compactAfter;
        Files.createDirectories(dataDir);
        this.origin = originOf(dataDir, serverName);
        Snapshot snapshot = Snapshot.read(dataDir);
        if (snapshot != null) {
            load(snapshot);
        }
        this.eventLog = EventLog.open(dataDir.resolve(LOG_FILE), this::applyRecovered);
        stamper.lamport().onReceive(board.maxLamport());
        log.info("recovered {} events from {} ({} from the log; own sequence at {})",
                eventCount(), dataDir, eventsSinceSnapshot, seen.highest(origin));
    }

    /** Opens (or creates) the store of server {@code serverName} in {@code dataDir}: snapshot, then the log after it. */
    public static BoardStore open(Path dataDir, String serverName, Stamper stamper) throws IOException {
        return new BoardStore(dataDir, serverName, stamper, DEFAULT_COMPACT_AFTER);
    }

    public static BoardStore open(Path dataDir, String serverName, Stamper stamper, int compactAfter) throws IOException {
        return new BoardStore(dataDir, serverName, stamper, compactAfter);
    }

    /**
     * The origin this data directory's events carry: the server name plus a suffix drawn when the directory was
     * first used. A server whose data was wiped gets a new origin, so it never reuses the sequence numbers its
     * old events have on the peers.
     */
    private static String originOf(Path dataDir, String serverName) throws IOException {
        if (serverName.length() > MAX_SERVER_NAME) {
            throw new IllegalArgumentException("server name longer than " + MAX_SERVER_NAME + " characters: " + serverName);
        }
        Path file = dataDir.resolve(ORIGIN_FILE);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
        String origin = serverName + "." + suffix;
        AtomicFiles.write(file, origin.getBytes(StandardCharsets.UTF_8));
        return origin;
    }

    /** Reads what a data directory holds without opening it for writing (for checks and tools). */
    public static BoardView read(Path dataDir) throws IOException {
        Board board = new Board();
        SeenEvents seen = new SeenEvents();
        Snapshot snapshot = Snapshot.read(dataDir);
        if (snapshot != null) {
            restore(snapshot, board, seen, event -> { });
        }
        EventLog.read(dataDir.resolve(LOG_FILE), event -> {
            if (seen.add(event.origin(), event.seq())) {
                board.apply(event);
            }
        });
        return board.view();
    }

    private void load(Snapshot snapshot) {
        restore(snapshot, board, seen, event -> {
            index(event);
            historyInSnapshot++;
        });
        compacted = snapshot.folded().covers();
    }

    /** Puts a snapshot into a board and what it covers into {@code seen}; {@code each} sees every post and message. */
    private static void restore(Snapshot snapshot, Board board, SeenEvents seen, Consumer<Event> each) {
        board.mergeFolded(snapshot.folded());
        seen.addAll(snapshot.folded().covers());
        for (Map<String, List<Event>> history : List.of(snapshot.posts(), snapshot.messages())) {
            history.values().forEach(events -> events.forEach(event -> {
                board.apply(event);
                each.accept(event);
            }));
        }
    }

    private void applyRecovered(Event event) {
        if (seen.add(event.origin(), event.seq())) {
            remember(event);
        }
    }

    private void remember(Event event) {
        board.apply(event);
        index(event);
        eventsSinceSnapshot++;
    }

    private void index(Event event) {
        byOrigin.computeIfAbsent(event.origin(), o -> new TreeMap<>()).put(event.seq(), event);
    }

    /**
     * Stamps a new local event with this server's next id and a Lamport time, applies it and returns once it is
     * on disk. A draft whose request id was already applied (here or on a peer) is not applied again.
     */
    public Commit appendLocal(Event draft) throws IOException {
        Commit commit;
        long position;
        synchronized (this) {
            if (draft.request() != null && board.hasRequest(draft.request())) {
                commit = new Commit(null, true);
                position = eventLog.position(); // the original may still be on its way to disk
            } else {
                Event event = draft.stamped(origin, seen.highest(origin) + 1, stamper.lamport().tick(), stamper.nowMillis());
                position = eventLog.append(List.of(event));
                seen.add(origin, event.seq());
                remember(event);
                commit = new Commit(event, false);
            }
        }
        eventLog.sync(position);
        compactIfDue();
        return commit;
    }

    /** Makes peers' events durable and applies those not held yet; returns how many were new. */
    public int applyReplicated(List<Event> events) throws IOException {
        long position;
        List<Event> fresh = new ArrayList<>();
        synchronized (this) {
            for (Event event : events) {
                if (seen.add(event.origin(), event.seq())) {
                    fresh.add(event);
                    remember(event);
                }
            }
            position = fresh.isEmpty() ? eventLog.position() : eventLog.append(fresh);
        }
        eventLog.sync(position);
        compactIfDue();
        return fresh.size();
    }

    /**
     * Events a peer whose version vector is {@code after} may lack, at most about {@code maxBytes} of them, in
     * (origin, seq) order; with the folded state if asked for and the peer lacks events folded into it.
     */
    public synchronized CatchUpPage catchUpPage(Map<String, Long> after, boolean withFolded, long maxBytes) {
        List<Event> events = new ArrayList<>();
        long bytes = 0;
        boolean more = false;
        scan:
        for (Map.Entry<String, TreeMap<Long, Event>> from : byOrigin.entrySet()) {
            for (Event event : from.getValue().tailMap(after.getOrDefault(from.getKey(), 0L), false).values()) {
                long size = wireSize(event);
                if (!events.isEmpty() && bytes + size > maxBytes) {
                    more = true;
                    break scan;
                }
                events.add(event);
                bytes += size;
            }
        }
        FoldedState folded = withFolded && compacted.exceeds(after) ? board.folded(compacted) : null;
        return new CatchUpPage(events, more, folded);
    }

    /** An upper bound of an event's encoded size: text is at most 3 bytes per UTF-16 unit. */
    private static long wireSize(Event event) {
        return 256 + 3L * (event.message() == null ? 0 : event.message().length());
    }

    /**
     * Merges a peer's folded state, once every event it holds beside it has been applied, and writes a snapshot
     * at once: the merged state exists in no log, so it is made durable this way.
     */
    public synchronized void mergeFolded(FoldedState folded) throws IOException {
        board.mergeFolded(folded);
        seen.addAll(folded.covers());
        compact();
    }

    private synchronized void compactIfDue() throws IOException {
        if (eventsSinceSnapshot >= Math.max(compactAfter, historyInSnapshot)) {
            compact();
        }
    }

    /** Writes the whole board as a new snapshot and empties the log, which it now covers. */
    private void compact() throws IOException {
        long started = System.nanoTime();
        Coverage covers = seen.coverage();
        BoardView view = board.view();
        Snapshot.of(board.folded(covers), view).write(dataDir);
        eventLog.clear();
        compacted = covers;
        byOrigin.values().forEach(events -> events.values().removeIf(e -> !e.isHistory() || !board.holdsHistory(e)));
        historyInSnapshot = view.postCount() + view.messageCount();
        eventsSinceSnapshot = 0;
        log.info("compacted into a snapshot of {} posts and messages in {} ms",
                historyInSnapshot, (System.nanoTime() - started) / 1_000_000);
    }

    public synchronized Map<String, Long> versionVector() {
        return seen.versionVector();
    }

    public synchronized boolean hasRequest(String request) {
        return board.hasRequest(request);
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

    public synchronized List<Event> channelHistory(String channel, int limit) {
        return board.posts(channel, limit);
    }

    public synchronized List<Event> inbox(String user, int limit) {
        return board.messagesTo(user, limit);
    }

    public synchronized BoardView view() {
        return board.view();
    }

    /** How many events this store covers, whether held as events or folded. */
    public synchronized long eventCount() {
        Coverage coverage = seen.coverage();
        return coverage.vector().values().stream().mapToLong(Long::longValue).sum()
                + coverage.gaps().values().stream().mapToLong(List::size).sum();
    }

    /** Compacts, so the data directory holds one snapshot (the derived JSON) and an empty log, then closes. */
    @Override
    public synchronized void close() throws IOException {
        try {
            compact();
        } finally {
            eventLog.close();
        }
    }
}
