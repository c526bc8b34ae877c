package org.bulletinboard.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bulletinboard.net.Sockets;
import org.slf4j.MDC;

/**
 * Keeps a long-running role up until Ctrl-C or SIGTERM, then closes what it runs, newest first, and exits 0:
 * a clean stop is a success (the JVM would otherwise report 143 for SIGTERM). Installed before anything starts,
 * so a stop that comes while a role is still starting (a server waiting for its data directory) is seen.
 */
final class UntilStopped {
    private static final Duration CONTEXT_END_BOUND = Duration.ofMillis(500);

    private final List<AutoCloseable> running = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    private UntilStopped() {}

    /** Installs the stop; the role and node name the main and shutdown threads' log lines too. */
    static UntilStopped install(String role, String node) {
        MDC.put("role", role);
        MDC.put("node", node);
        UntilStopped until = new UntilStopped();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            MDC.put("role", role);
            MDC.put("node", node);
            until.stop();
        }, "shutdown"));
        return until;
    }

    /** Something to close on the way out (null: nothing, as for an HTTP endpoint that is off). */
    synchronized void add(AutoCloseable part) {
        if (part != null) {
            running.add(part);
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** Blocks until stopped. */
    int await() throws InterruptedException {
        stopped.await();
        return 0;
    }

    private void stop() {
        stopping = true;
        List<AutoCloseable> parts;
        synchronized (this) {
            parts = new ArrayList<>(running);
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e);
            }
        }
        Sockets.endProcessContext(CONTEXT_END_BOUND);
        stopped.countDown();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }
}
