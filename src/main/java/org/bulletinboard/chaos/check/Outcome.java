package org.bulletinboard.chaos.check;

/**
 * How an operation ended, as Jepsen records it: {@code OK} (it took effect), {@code FAIL} (it certainly did not), or
 * {@code INFO} (unknown: no answer in time, an unreadable answer, or an {@code erro} that says it may have been
 * applied).
 */
public enum Outcome {
    OK,
    FAIL,
    INFO
}
