package org.bulletinboard.chaos.check;

import java.util.List;

/**
 * What one server holds: every event of its log, and (when it was read) its board as it serves it.
 *
 * @param board null where only the log was read
 */
public record ServerState(String name, List<StoredEvent> events, ObservedBoard board) {

    public ServerState {
        events = List.copyOf(events);
    }
}
