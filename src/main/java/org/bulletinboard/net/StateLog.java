package org.bulletinboard.net;

import java.util.Objects;
import org.slf4j.Logger;

/**
 * Logs a connection's state when it changes, not on every retry: "does not resolve yet", then "connected", then
 * "moved", instead of one warning a second while a peer is away. Owned by one thread.
 */
public final class StateLog {
    private final Logger log;
    private String state;

    public StateLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} at INFO, or WARN if {@code problem}, when {@code newState} differs from the last. */
    public void enter(String newState, boolean problem, String message, Object... args) {
        if (Objects.equals(state, newState)) {
            return;
        }
        state = newState;
        if (problem) {
            log.warn(message, args);
        } else {
            log.info(message, args);
        }
    }
}
