package org.bulletinboard.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a long-running role up until Ctrl-C or SIGTERM, then closes it cleanly. */
final class UntilStopped {
    private UntilStopped() {}

    static int run(AutoCloseable role) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                role.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
