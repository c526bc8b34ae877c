package org.bulletinboard.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bulletinboard.chaos.nemesis.Nemesis;

/**
 * How a fault-checker run goes.
 *
 * @param mix              false: each of {@code nemeses} once, in catalogue order (the short run); true: faults
 *                         drawn at random, one or two at once, until {@code duration} has passed
 * @param hold             how long a fault lasts before it is healed, unless it has a measure of its own
 * @param paceMillis       each client's pause between two operations
 * @param quietTimeout     how long the checker waits, after a heal, for every server to be ready and hold the same
 *                         events before it reads them anyway
 * @param smallDiskMegabytes the last server's data on a file system this small (the disk nemesis fills it); 0: none
 */
public record ChaosSettings(long seed, boolean mix, Duration duration, List<Nemesis> nemeses, Duration hold,
                            int courseClients, int retryingClients, long paceMillis, int servers, Duration heartbeat,
                            Duration heartbeatTimeout, Duration ackTimeout, Duration catchUp, Duration quietTimeout,
                            int basePort, Path workDir, List<String> jvmOptions, int smallDiskMegabytes) {

    public ChaosSettings {
        nemeses = List.copyOf(nemeses);
        jvmOptions = List.copyOf(jvmOptions);
        if (nemeses.isEmpty()) {
            throw new IllegalArgumentException("no nemesis to run");
        }
    }
}
