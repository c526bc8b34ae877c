package org.bulletinboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulletinboard.server.store.BoardStore;
import org.bulletinboard.server.store.BoardView;

/**
 * Three servers as separate JVMs on loopback, laid out from a block of free ports as the process tests use it:
 * broker clients at {@code base}, broker workers +1, proxy publishers +2 and subscribers +3, reference +4, and
 * the servers' peer ports +5 to +7. Each server keeps every post ({@code historyKeep}), so a test finds each
 * acknowledged write on disk.
 */
public final class LoopbackServers {
    public static final int HISTORY_KEEP = 100_000;

    private LoopbackServers() {}

    public static String loopback(int port) {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts server-1 to server-3 with fast heartbeats, working for {@code brokers} (their worker endpoints). */
    public static List<RoleProcess> start(Path logs, Path data, int base, String brokers) throws IOException {
        List<RoleProcess> servers = new ArrayList<>();
        String peers = "server-1=" + loopback(base + 5) + ",server-2=" + loopback(base + 6) + ",server-3="
                + loopback(base + 7);
        for (int i = 0; i < 3; i++) {
            int peerPort = base + 5 + i;
            servers.add(RoleProcess.start("server-" + (i + 1), logs, "server", "--name", "server-" + (i + 1),
                    "--data", data.resolve("server-" + (i + 1)).toString(),
                    "--broker", brokers, "--proxy", loopback(base + 2),
                    "--proxy-subscribers", loopback(base + 3), "--reference", loopback(base + 4),
                    "--peer-port", String.valueOf(peerPort), "--peer-bind", loopback(peerPort),
                    "--peer-address", loopback(peerPort), "--peers", peers, "--heartbeat-ms", "250",
                    "--catch-up-ms", "1000", "--history-keep", String.valueOf(HISTORY_KEEP)));
        }
        return servers;
    }

    /** What server {@code index} (from 0) holds on disk, as it shows it. */
    public static BoardView read(Path data, int index) {
        try {
            return BoardStore.read(data.resolve("server-" + (index + 1)), HISTORY_KEEP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
