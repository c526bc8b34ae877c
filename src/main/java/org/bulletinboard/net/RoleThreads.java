package org.bulletinboard.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Starts a role's threads with the role and node name in the logging context, so every log line names both. */
public final class RoleThreads {
    private static final Logger log = LoggerFactory.getLogger(RoleThreads.class);

    private RoleThreads() {}

    public static Thread start(String role, String node, String purpose, Runnable body) {
        Thread thread = new Thread(() -> {
            MDC.put("role", role);
            MDC.put("node", node);
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                log.error("{} thread died", purpose, e);
                throw e;
            } finally {
                MDC.clear();
            }
        }, role + "-" + node + "-" + purpose);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for a loop thread to see its stop flag; loops poll with bounded timeouts, so this is quick. */
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
