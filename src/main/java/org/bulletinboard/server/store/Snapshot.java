package org.bulletinboard.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A compacted board, the server's derived JSON: folded users and channels, every post and message in history
 * order, and the events it covers. Written atomically, so a crash leaves either the old snapshot or the new one. Servers holding the same events write identical files.
 */
record Snapshot(int format, FoldedState folded, Map<String, List<Event>> posts, Map<String, List<Event>> messages) {
    static final String FILE = "snapshot.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Snapshot of(FoldedState folded, BoardView view) {
        return new Snapshot(FORMAT, folded, view.posts(), view.messages());
    }

    /** The snapshot in {@code dataDir}, or null if there is none yet. */
    static Snapshot read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Snapshot snapshot = JSON.readValue(file.toFile(), Snapshot.class);
        if (snapshot.format() != FORMAT) {
            throw new IOException(file + ": snapshot format " + snapshot.format() + " is not " + FORMAT);
        }
        return snapshot;
    }

    void write(Path dataDir) throws IOException {
        AtomicFiles.write(dataDir.resolve(FILE), JSON.writeValueAsBytes(this));
    }
}
