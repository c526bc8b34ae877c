package org.bulletinboard.chaos;

/**
 * Lets the checker's clients run, hold them between operations, or stop them: the checker closes the gate and
 * waits until no operation is under way before it compares the servers, so none is in flight while it reads them.
 */
final class ClientGate {
    private boolean open = true;
    private boolean stopping;
    private int busy;

    /** Waits while the gate is closed, then counts an operation under way; false once stopping. */
    synchronized boolean enter() throws InterruptedException {
        while (!open && !stopping) {
            wait();
        }
        if (stopping) {
            return false;
        }
        busy++;
        return true;
    }

    /** The operation begun by {@link #enter} has ended. */
    synchronized void leave() {
        busy--;
        notifyAll();
    }

    synchronized void close() {
        open = false;
    }

    synchronized void open() {
        open = true;
        notifyAll();
    }

    synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    synchronized boolean stopping() {
        return stopping;
    }

    /** After {@link #close}: waits until no operation is under way, at most {@code millis}; whether none is. */
    synchronized boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (busy > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** A client's pause between operations (its pace, not a wait for anything); cut short by a stop. */
    synchronized void pace(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long left;
        while (!stopping && (left = (deadline - System.nanoTime()) / 1_000_000) > 0) {
            wait(left);
        }
    }
}
