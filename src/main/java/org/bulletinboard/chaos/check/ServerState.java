package org.bulletinboard.chaos.check;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one server holds, as a wiped peer would get it from it: its checkpoint (folded users and channels, the ids it
 * covers, and the posts and messages it keeps, among {@code events}) and the events after it; and (when it was read)
 * its board as it serves it.
 *
 * @param board null where only the events were read
 */
public record ServerState(String name, List<StoredEvent> events, Folded folded, ObservedBoard board) {

    public ServerState {
        events = List.copyOf(events);
    }

    /** A server that sent events only. */
    public ServerState(String name, List<StoredEvent> events, ObservedBoard board) {
        this(name, events, Folded.NONE, board);
    }

    /** The id of every event the server holds: sent, or covered by its checkpoint. */
    Set<String> heldIds() {
        Set<String> ids = new HashSet<>(folded.coveredIds());
        events.forEach(event -> ids.add(event.id()));
        return ids;
    }
}
