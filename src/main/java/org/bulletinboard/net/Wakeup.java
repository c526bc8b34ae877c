package org.bulletinboard.net;

/**
 * How a role's background thread waits: for a period, cut short by a {@link #ring} (rings while it is busy are
 * kept, several as one) or by {@link #stop}. Safe to use from any thread.
 */
public final class Wakeup {
    private boolean rung;
    private boolean stopped;

    public synchronized void ring() {
        rung = true;
        notifyAll();
    }

    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    public synchronized boolean stopped() {
        return stopped;
    }

    /** Waits until rung, stopped or {@code millis} pass; consumes the ring. Returns false once stopped. */
    public synchronized boolean awaitRing(long millis) {
        waitUntil(millis, true);
        rung = false;
        return !stopped;
    }

    /** Waits {@code millis} unless stopped; a ring meanwhile is kept for the next {@link #awaitRing}. */
    public synchronized boolean pause(long millis) {
        waitUntil(millis, false);
        return !stopped;
    }

    private void waitUntil(long millis, boolean untilRung) {
        long deadline = System.currentTimeMillis() + millis;
        long left;
        while (!stopped && !(untilRung && rung) && (left = deadline - System.currentTimeMillis()) > 0) {
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }
    }
}
