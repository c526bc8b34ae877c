package org.bulletinboard.server.store;

import java.util.List;

/**
 * One answer to a peer catching up: events it may lack, and whether more follow; or, for a peer that lacks events
 * only a checkpoint still holds, a part of that checkpoint (its events among {@code events}), and more follow until
 * the last part.
 *
 * @param checkpoint null for events from the log
 */
public record CatchUpPage(List<Event> events, boolean more, CheckpointPart checkpoint) {

    public CatchUpPage {
        events = List.copyOf(events);
    }

    static CatchUpPage of(CheckpointPart part) {
        return new CatchUpPage(part.events(), true, part);
    }
}
