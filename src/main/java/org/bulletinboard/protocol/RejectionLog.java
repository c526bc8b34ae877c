package org.bulletinboard.protocol;

import org.slf4j.Logger;

/**
 * Logs rejected and failed requests once each, but at most {@link #PER_SECOND} lines a second in the whole
 * process: a flood of bad frames must not turn into a flood of log lines (disk, CPU, and the operator's
 * attention). What is held back is counted and said with the next line that gets through.
 */
public final class RejectionLog {
    static final int PER_SECOND = 20;

    private static long second;
    private static int logged;
    private static long suppressed;

    private RejectionLog() {}

    public static void warn(Logger log, String format, String service, String reason) {
        long held = admit();
        if (held >= 0) {
            log.warn(format + suffix(held), service, reason);
        }
    }

    static void error(Logger log, String message, Throwable e) {
        long held = admit();
        if (held >= 0) {
            log.error(message + suffix(held), e);
        }
    }

    /** -1 if this line is held back; else how many were held back since the last line logged. */
    private static synchronized long admit() {
        long now = System.nanoTime() / 1_000_000_000L;
        if (now != second) {
            second = now;
            logged = 0;
        }
        if (logged >= PER_SECOND) {
            suppressed++;
            return -1;
        }
        logged++;
        long held = suppressed;
        suppressed = 0;
        return held;
    }

    private static String suffix(long held) {
        return held == 0 ? "" : " (" + held + " more rejected requests not logged)";
    }
}
