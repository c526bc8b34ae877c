package org.bulletinboard.server.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bulletinboard.protocol.Stamper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's durable state: the event log under the data directory and the board derived from it. Every
 * event is applied at most once, whichever server it came from and however often it arrives. Thread-safe.
 */
public final class BoardStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoardStore.class);
    static final String LOG_FILE = "events.jsonl";

    private final String origin;
    private final Stamper stamper;
    private final Board board = new Board();
    private final SeenEvents seen = new SeenEvents();
    private final EventLog eventLog;
    private long eventCount;

    private BoardStore(Path dataDir, String origin, Stamper stamper) throws IOException {
        this.origin = origin;
        this.stamper = stamper;
        this.eventLog = EventLog.open(dataDir.resolve(LOG_FILE), this::applyRecovered);
        log.info("recovered {} events from {} (own sequence at {})", eventCount, dataDir, seen.highest(origin));
    }

    /** Opens (or creates) the store of server {@code origin} in {@code dataDir}, replaying its log. */
    public static BoardStore open(Path dataDir, String origin, Stamper stamper) throws IOException {
        return new BoardStore(dataDir, origin, stamper);
    }

    /** Reads what a data directory holds without opening it for writing (for checks and tools). */
    public static BoardView read(Path dataDir) throws IOException {
        Board board = new Board();
        SeenEvents seen = new SeenEvents();
        EventLog.read(dataDir.resolve(LOG_FILE), event -> {
            if (seen.add(event.origin(), event.seq())) {
                board.apply(event);
            }
        });
        return board.view();
    }

    private void applyRecovered(Event event) {
        if (seen.add(event.origin(), event.seq())) {
            board.apply(event);
            eventCount++;
            stamper.lamport().onReceive(event.lamport());
        }
    }

    /** Stamps a new local event with this server's next id and a Lamport time, makes it durable, applies it. */
    public synchronized Event appendLocal(Event draft) throws IOException {
        Event event = draft.stamped(origin, seen.highest(origin) + 1, stamper.lamport().tick(), stamper.nowMillis());
        eventLog.append(event);
        seen.add(origin, event.seq());
        board.apply(event);
        eventCount++;
        return event;
    }

    /** Makes a peer's event durable and applies it; returns false (and does nothing) if it is already held. */
    public synchronized boolean applyReplicated(Event event) throws IOException {
        if (seen.contains(event.origin(), event.seq())) {
            return false;
        }
        eventLog.append(event);
        seen.add(event.origin(), event.seq());
        board.apply(event);
        eventCount++;
        return true;
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

    public synchronized long eventCount() {
        return eventCount;
    }

    @Override
    public synchronized void close() throws IOException {
        eventLog.close();
    }
}
