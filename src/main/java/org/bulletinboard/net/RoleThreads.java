package org.bulletinboard.net;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Starts a role's threads with the role and node name in the logging context, so every log line names both, and
 * remembers every thread that died of an exception, so that the role can report itself unhealthy instead of
 * looking alive with a loop gone. An error that leaves the JVM unusable ({@link VirtualMachineError}) in a
 * process started with {@link #haltOnFatalError} stops the process, for the orchestrator to restart it.
 */
public final class RoleThreads {
    private static final Logger log = LoggerFactory.getLogger(RoleThreads.class);

    /** A loop thread that ended by an exception: whose it was and why. */
    public record Death(String role, String node, String purpose, String cause) {}

    private static final List<Death> deaths = new CopyOnWriteArrayList<>();
    private static volatile boolean haltOnFatalError;

    private RoleThreads() {}

    public static Thread start(String role, String node, String purpose, Runnable body) {
        Thread thread = new Thread(() -> {
            MDC.put("role", role);
            MDC.put("node", node);
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                log.error("{} thread died", purpose, e);
                deaths.add(new Death(role, node, purpose, e.toString()));
                if (e instanceof VirtualMachineError && haltOnFatalError) {
                    log.error("fatal error in {}: stopping the process (exit code 70)", purpose);
                    Runtime.getRuntime().halt(70);
                }
                throw e;
            } finally {
                MDC.clear();
            }
        }, role + "-" + node + "-" + purpose);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Every thread of this process that died of an exception. */
    public static List<Death> deaths() {
        return List.copyOf(deaths);
    }

    /** For a role running as its own process: a {@link VirtualMachineError} in any of its threads halts it. */
    public static void haltOnFatalError() {
        haltOnFatalError = true;
    }

    /** Waits for a loop thread to see its stop flag; loops are woken on stop or poll with bounded timeouts. */
    public static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                log.warn("thread {} did not stop within 5 s", thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
