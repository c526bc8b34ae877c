package org.bulletinboard.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bulletinboard.server.store.BoardView.ChannelRecord;
import org.bulletinboard.server.store.BoardView.UserRecord;

/**
 * What a server took from a peer's checkpoint beside its events: the users and channels the peer had folded, which
 * events the checkpoint covers, and its highest Lamport time. Written to {@code adopted-<n>.json} (atomically, and
 * forced) before any of it is taken, so a restart takes it again; the next checkpoint of this server holds it, and
 * the file goes.
 */
record AdoptedState(long number, Map<String, UserRecord> users, Map<String, ChannelRecord> channels, Coverage covers,
                    long maxLamport) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FILE = Pattern.compile("adopted-(\\d{20})\\.json");

    static Path file(Path dataDir, long number) {
        return dataDir.resolve(String.format("adopted-%020d.json", number));
    }

    void write(Path dataDir) throws IOException {
        AtomicFiles.write(file(dataDir, number), JSON.writeValueAsBytes(this));
    }

    /** Every adopted state in {@code dataDir}, oldest first. */
    static List<AdoptedState> readAll(Path dataDir) throws IOException {
        List<AdoptedState> adopted = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            return adopted;
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dataDir)) {
            files = listed.filter(file -> FILE.matcher(file.getFileName().toString()).matches()).sorted().toList();
        }
        for (Path file : files) {
            adopted.add(JSON.readValue(file.toFile(), AdoptedState.class));
        }
        return adopted;
    }

    /** Deletes the files of the states numbered up to {@code number}: a checkpoint holds them now. */
    static void deleteUpTo(Path dataDir, long number) throws IOException {
        try (Stream<Path> listed = Files.list(dataDir)) {
            for (Path file : listed.toList()) {
                Matcher matcher = FILE.matcher(file.getFileName().toString());
                if (matcher.matches() && Long.parseLong(matcher.group(1)) <= number) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
