package org.bulletinboard.server;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.bulletinboard.net.RoleThreads;
import org.bulletinboard.net.Wakeup;
import org.bulletinboard.server.store.DataDirectoryLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one server running on its data directory. When its storage fails, the server stops serving (fail-stop);
 * the supervisor closes it and, after a pause that doubles up to half a minute, starts it again from its disk, as a
 * restarted process would: recovery cuts off the fragment a failed write left, and a disk that is still full fails
 * the new server's first write again. So once space is freed the server serves again by itself, whatever runs it.
 */
public final class ServerSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerSupervisor.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);
    /** How often a supervisor with nothing to do looks at its stop flag. */
    private static final long IDLE_MILLIS = 2_000;

    private final BoardServer.Config config;
    private final MeterRegistry metrics;
    private final Wakeup wakeup = new Wakeup();
    private final Thread thread;
    private volatile BoardServer current;
    /** Why the server is down while it is being started again; null while it runs. */
    private volatile String down;

    private ServerSupervisor(BoardServer.Config config, MeterRegistry metrics, BoardServer first) {
        this.config = config;
        this.metrics = metrics;
        this.current = first;
        this.thread = RoleThreads.start("server", config.name(), "supervisor", this::run);
    }

    /**
     * Starts the server on a directory whose lock the caller holds; a failure to start (a port in use, a log that
     * cannot be read) is thrown here, not retried.
     */
    public static ServerSupervisor start(BoardServer.Config config, DataDirectoryLock lock, MeterRegistry metrics)
            throws IOException {
        return new ServerSupervisor(config, metrics, BoardServer.start(config, lock, metrics));
    }

    /** The server running now; null while it is being started again. */
    public BoardServer server() {
        return current;
    }

    /** Why the server does not serve, for {@code /readyz}. */
    public Optional<String> notReadyBecause() {
        String why = down;
        BoardServer server = current;
        return why != null || server == null ? Optional.of(why == null ? "starting" : why) : server.notReadyBecause();
    }

    private void run() {
        Duration pause = FIRST_PAUSE;
        while (!wakeup.stopped()) {
            BoardServer server = current;
            long started = System.nanoTime();
            server.storageFailure().whenComplete((failure, error) -> wakeup.ring());
            while (!server.storageFailure().isDone() && wakeup.awaitRing(IDLE_MILLIS)) {
                // waiting for the server to fail, or for the supervisor to stop
            }
            if (wakeup.stopped()) {
                return;
            }
            if (System.nanoTime() - started > LONGEST_PAUSE.toNanos()) {
                pause = FIRST_PAUSE; // it ran a good while: a new failure is not the last one again
            }
            down = "storage failed (" + server.storageFailure().join().getMessage() + "); starting again from the"
                    + " disk in " + pause.toSeconds() + " s";
            log.error("{}: {}", config.name(), down);
            server.close();
            current = null;
            pause = restart(pause);
        }
    }

    /** Starts the server again after {@code pause}, retrying with longer pauses; returns the pause for next time. */
    private Duration restart(Duration pause) {
        while (wakeup.pause(pause.toMillis())) {
            Duration next = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            try {
                DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDir(), wakeup::stopped, () -> { });
                if (lock == null) {
                    return next; // stopping
                }
                current = BoardServer.start(config, lock, metrics);
                down = null;
                log.info("{}: started again from {}", config.name(), config.dataDir());
                return next;
            } catch (IOException | RuntimeException e) {
                down = "could not start again (" + e.getMessage() + "); trying again in " + next.toSeconds() + " s";
                log.error("{}: {}", config.name(), down);
                pause = next;
            }
        }
        return pause;
    }

    /** Stops the server and the supervisor. */
    @Override
    public void close() {
        wakeup.stop();
        RoleThreads.join(thread);
        BoardServer server = current;
        if (server != null) {
            server.close();
        }
    }
}
