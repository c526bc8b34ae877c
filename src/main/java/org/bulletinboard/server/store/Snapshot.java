package org.bulletinboard.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * A checkpoint of the derived board, the server's derived JSON: users, channels, the history each channel and user
 * keeps, which events it covers, and how far into the log it reaches. Start-up reads it and then only the log after
 * {@code logPosition} (and, for the request ids of recent writes, from {@code requestsFrom}); the log before both is
 * deleted. Its size depends on the users, channels and what each list keeps, not on the length of history. Written
 * atomically, so a crash leaves either the old checkpoint or the new one.
 */
record Snapshot(int format, long logPosition, long requestsFrom, Coverage covers, long maxLamport,
                Map<String, UserRecord> users, Map<String, ChannelRecord> channels,
                Map<String, List<Event>> posts, Map<String, List<Event>> messages) {
    static final String FILE = "snapshot.json";
    static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    static Snapshot of(long logPosition, long requestsFrom, Coverage covers, long maxLamport, BoardView view) {
        return new Snapshot(FORMAT, logPosition, requestsFrom, covers, maxLamport, view.users(), view.channels(),
                view.posts(), view.messages());
    }

    /** A snapshot of nothing, before the first checkpoint. */
    static Snapshot empty() {
        return new Snapshot(FORMAT, 0, 0, Coverage.NONE, 0, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** The snapshot in {@code dataDir}, or null if there is none yet. */
    static Snapshot read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        int format = JSON.readTree(file.toFile()).path("format").asInt();
        if (format != FORMAT) {
            throw new IOException(file + ": snapshot format " + format + " is not " + FORMAT
                    + " (format 1 came before the log kept all history; this version cannot read it)");
        }
        return JSON.readValue(file.toFile(), Snapshot.class);
    }

    void write(Path dataDir) throws IOException {
        AtomicFiles.write(dataDir.resolve(FILE), JSON.writeValueAsBytes(this));
    }

    /**
     * Serialises a snapshot of one user, channel, post and message, and drops it. Jackson builds its serialisers on
     * first use, 40-55 ms of CPU here that would otherwise fall on the first checkpoint, under load.
     */
    static void prepareWriter() throws JsonProcessingException {
        JSON.writeValueAsBytes(new Snapshot(FORMAT, 0, 0, Coverage.NONE, 0,
                Map.of("u", new UserRecord(0, 0)), Map.of("c", new ChannelRecord(0)),
                Map.of("c", List.of(Event.post("u", "c", "m"))),
                Map.of("u", List.of(Event.privateMessage("u", "u", "m")))));
    }
}
